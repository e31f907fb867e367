import pytest

from applications.demo import COMPANIES, _company

pytestmark = pytest.mark.django_db


def test_demo_companies_describe_themselves_in_korean_english_and_japanese():
    company = _company(*COMPANIES[0])

    korean, english, japanese = company.description.splitlines()
    assert korean == "한빛셀테라퓨틱스 (가상): 데모용 가상 회사입니다."
    assert english == "Hanbit Cell Therapeutics (fictional): a fictional company for the demo."
    assert japanese.endswith("デモ用の架空の会社です。")
