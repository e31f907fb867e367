"""The three MOU tracks, with names and descriptions from the MSS–iPark MOU (Nov 2023)."""

from django.db import migrations

PROGRAMS = [
    {
        "track": "startup_support",
        "slug": "startup-support",
        "order": 1,
        "name": {
            "en": "Advanced Biotech Startup Support",
            "ko": "첨단바이오 스타트업 지원",
            "ja": "先端バイオスタートアップ支援",
        },
        "tagline": {
            "en": "Develop and trial your cell, gene or regenerative therapy at iPark in Japan.",
            "ko": "일본 iPark에서 세포·유전자·재생의료 기술을 개발하고 실증하세요.",
            "ja": "日本のiParkで細胞・遺伝子・再生医療技術の開発と実証を。",
        },
        "description": {
            "en": (
                "MSS and iPark jointly select Korean startups in advanced biotech fields — cell "
                "therapy, gene therapy and regenerative medicine — that want to pursue technology "
                "development and clinical trials at Shonan Health Innovation Park in Japan.\n\n"
                "Selected companies receive joint support from both organisations for local "
                "demonstration and commercialisation: access to iPark's laboratories and facilities, "
                "introductions to partners in Japan's life-science ecosystem, and guidance toward "
                "clinical development."
            ),
            "ko": (
                "중소벤처기업부와 iPark는 세포치료, 유전자치료, 재생의료 등 첨단바이오 분야에서 일본 "
                "쇼난 헬스 이노베이션 파크를 거점으로 기술개발과 임상을 추진하려는 한국 스타트업을 공동으로 "
                "선발합니다.\n\n선발 기업은 현지 실증과 사업화를 위해 두 기관의 공동 지원을 받습니다. iPark의 "
                "연구실과 시설 이용, 일본 생명과학 생태계 파트너 연결, 임상 개발 자문이 포함됩니다."
            ),
            "ja": (
                "中小ベンチャー企業部（MSS）とiParkは、細胞治療・遺伝子治療・再生医療などの先端バイオ分野で、"
                "湘南ヘルスイノベーションパークを拠点に技術開発と臨床試験を目指す韓国スタートアップを共同で"
                "選抜します。\n\n選抜企業は、現地での実証と事業化に向けて両機関から共同支援を受けます。iParkの"
                "ラボや設備の利用、日本のライフサイエンス・エコシステムのパートナー紹介、臨床開発への助言を含みます。"
            ),
        },
        "eligibility": {
            "en": (
                "Korean startups and SMEs developing cell therapy, gene therapy or regenerative "
                "medicine technologies who intend to carry out development, demonstration or "
                "clinical trials in Japan."
            ),
            "ko": "일본에서 개발·실증·임상을 추진하려는 세포치료, 유전자치료, 재생의료 분야의 한국 스타트업 및 중소기업.",
            "ja": "日本で開発・実証・臨床試験を行う意向のある、細胞治療・遺伝子治療・再生医療分野の韓国スタートアップおよび中小企業。",
        },
    },
    {
        "track": "joint_rnd",
        "slug": "joint-rnd",
        "order": 2,
        "name": {
            "en": "Korea–Japan Joint R&D",
            "ko": "한일 공동 R&D",
            "ja": "日韓共同研究開発",
        },
        "tagline": {
            "en": "Co-develop an original technology held by a Japanese university, institute or company.",
            "ko": "일본 대학·연구기관·기업이 보유한 원천기술을 공동으로 개발하세요.",
            "ja": "日本の大学・研究機関・企業が持つオリジナル技術を共同で開発。",
        },
        "description": {
            "en": (
                "MSS and iPark run collaborative research and development to create and "
                "commercialise original technologies. iPark identifies original technologies held "
                "by Japanese universities, research institutes and companies; MSS selects Korean "
                "biotech startups to co-develop them.\n\nEach application names one technology from "
                "the catalogue offered in the call and sets out a collaboration plan with its holder."
            ),
            "ko": (
                "중소벤처기업부와 iPark는 원천기술의 창출과 사업화를 위한 공동 연구개발을 추진합니다. iPark는 "
                "일본 대학, 연구기관, 기업이 보유한 원천기술을 발굴하고, 중소벤처기업부는 이를 공동 개발할 한국 "
                "바이오 스타트업을 선발합니다.\n\n신청 시 공고에 포함된 기술 카탈로그에서 하나의 기술을 선택하고 "
                "보유 기관과의 협력 계획을 제시합니다."
            ),
            "ja": (
                "MSSとiParkは、オリジナル技術の創出と事業化に向けた共同研究開発を推進します。iParkが日本の大学・"
                "研究機関・企業の保有するオリジナル技術を発掘し、MSSがそれを共同開発する韓国バイオスタートアップを"
                "選抜します。\n\n申請では、公募で提示された技術カタログから一つの技術を選び、保有機関との協力計画を"
                "示します。"
            ),
        },
        "eligibility": {
            "en": "Korean biotech startups and SMEs able to run a joint development project with a Japanese technology holder.",
            "ko": "일본 기술 보유 기관과 공동 개발 과제를 수행할 수 있는 한국 바이오 스타트업 및 중소기업.",
            "ja": "日本の技術保有機関と共同開発プロジェクトを実施できる韓国のバイオスタートアップおよび中小企業。",
        },
    },
    {
        "track": "open_innovation",
        "slug": "open-innovation",
        "order": 3,
        "name": {
            "en": "Japan–Korea Open Innovation",
            "ko": "한일 오픈이노베이션",
            "ja": "日韓オープンイノベーション",
        },
        "tagline": {
            "en": "Solve an unsolved problem posed by a Japanese pharmaceutical company.",
            "ko": "일본 제약사가 제시한 미해결 과제를 해결하세요.",
            "ja": "日本の製薬企業が提示する未解決課題の解決に挑戦。",
        },
        "description": {
            "en": (
                "MSS and iPark run an open innovation program in which Korean ICT and biotech "
                "startups address unsolved issues faced by Japanese pharmaceutical companies.\n\n"
                "Companies post their challenges on the challenge board; an application answers one "
                "challenge with a proposed solution and a proof-of-concept plan."
            ),
            "ko": (
                "중소벤처기업부와 iPark는 한국 ICT·바이오 스타트업이 일본 제약사가 직면한 미해결 과제를 해결하는 "
                "오픈이노베이션 프로그램을 운영합니다.\n\n제약사가 챌린지 보드에 과제를 게시하면, 신청 기업은 하나의 "
                "과제를 골라 해결 방안과 PoC 계획을 제시합니다."
            ),
            "ja": (
                "MSSとiParkは、韓国のICT・バイオスタートアップが日本の製薬企業の抱える未解決課題に取り組む"
                "オープンイノベーション・プログラムを運営します。\n\n製薬企業がチャレンジボードに課題を掲載し、申請企業は"
                "一つの課題を選んで解決策とPoC計画を提案します。"
            ),
        },
        "eligibility": {
            "en": "Korean ICT and biotech startups and SMEs with a solution ready for a proof of concept.",
            "ko": "PoC가 가능한 솔루션을 보유한 한국 ICT·바이오 스타트업 및 중소기업.",
            "ja": "PoCの実施が可能なソリューションを持つ韓国のICT・バイオスタートアップおよび中小企業。",
        },
    },
]

TRANSLATED = ("name", "tagline", "description", "eligibility")


def create_programs(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    for spec in PROGRAMS:
        values = {"slug": spec["slug"], "order": spec["order"]}
        for field in TRANSLATED:
            values[field] = spec[field]["en"]
            for language, text in spec[field].items():
                values[f"{field}_{language}"] = text
        Program.objects.update_or_create(track=spec["track"], defaults=values)


def remove_programs(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    Program.objects.filter(track__in=[spec["track"] for spec in PROGRAMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]

    operations = [migrations.RunPython(create_programs, remove_programs)]
