"""Demo programs content: an open cycle per track with its rubric, a technology catalogue
and a challenge board from clearly fictional organisations, and two program managers."""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.demo import demo_user
from common.demo import DemoLogin, translated, upsert

from .demo_catalogue import CHALLENGES, TECHNOLOGIES
from .enums import CyclePhase, DocumentKind, Organisation, Track
from .models import Challenge, Criterion, Cycle, Program, ProgramManager, Question, Technology
from .questions import YES, QuestionKind
from .services import cycle_transition

# (en, ko, ja) names, (en, ko, ja) descriptions, weight; the max score is 10.
RUBRICS = {
    Track.STARTUP_SUPPORT: [
        (
            ("Technology innovation", "기술 혁신성", "技術の革新性"),
            (
                "Novelty and strength of the therapy platform and its evidence so far.",
                "치료 플랫폼의 새로움과 강점, 그리고 지금까지 확보한 근거.",
                "治療プラットフォームの新規性と強み、およびこれまでに得られたエビデンス。",
            ),
            "30",
        ),
        (
            ("Clinical and development plan", "임상 및 개발 계획", "臨床・開発計画"),
            (
                "A realistic path from the current stage to the next clinical milestone.",
                "현재 단계에서 다음 임상 마일스톤까지의 현실적인 경로.",
                "現在の段階から次の臨床マイルストーンまでの現実的な道筋。",
            ),
            "25",
        ),
        (
            ("Fit with iPark", "iPark 적합성", "iParkとの適合性"),
            (
                "How iPark's labs, facilities and partners advance the plan.",
                "iPark의 실험실, 시설, 파트너가 계획을 얼마나 진전시키는지.",
                "iParkのラボ、施設、パートナーが計画をどれだけ前進させるか。",
            ),
            "20",
        ),
        (
            ("Team capability", "팀 역량", "チームの能力"),
            (
                "Scientific, clinical and business experience of the team.",
                "팀의 과학적·임상적·사업적 경험.",
                "チームの科学・臨床・ビジネス面の経験。",
            ),
            "15",
        ),
        (
            ("Commercialisation potential", "사업화 가능성", "事業化の可能性"),
            (
                "Market, regulatory route and financing of commercialisation.",
                "시장, 인허가 경로, 사업화 자금 조달.",
                "市場、薬事承認の道筋、事業化の資金調達。",
            ),
            "10",
        ),
    ],
    Track.JOINT_RND: [
        (
            ("Technical fit with the technology", "기술 적합성", "技術との適合性"),
            (
                "How well the startup's capabilities complement the chosen technology.",
                "스타트업의 역량이 선택한 기술을 얼마나 잘 보완하는지.",
                "スタートアップの能力が選んだ技術をどれだけよく補完するか。",
            ),
            "30",
        ),
        (
            ("Collaboration plan", "협력 계획", "協力計画"),
            (
                "Division of work, milestones and governance with the technology holder.",
                "기술 보유 기관과의 역할 분담, 마일스톤, 운영 체계.",
                "技術保有者との役割分担、マイルストーン、ガバナンス。",
            ),
            "25",
        ),
        (
            ("R&D capability", "연구개발 역량", "研究開発能力"),
            (
                "Facilities, people and track record to carry out the joint work.",
                "공동 연구를 수행할 시설, 인력, 실적.",
                "共同研究を遂行するための施設、人材、実績。",
            ),
            "20",
        ),
        (
            ("Commercialisation path", "사업화 경로", "事業化の道筋"),
            (
                "Route from joint results to a product in Korea, Japan and beyond.",
                "공동 연구 성과를 한국, 일본 및 해외 시장의 제품으로 잇는 경로.",
                "共同研究の成果を韓国・日本さらに海外で製品化するまでの道筋。",
            ),
            "15",
        ),
        (
            ("IP strategy", "지식재산 전략", "知財戦略"),
            (
                "A credible plan for background and foreground intellectual property.",
                "기존 지식재산과 신규 지식재산에 대한 신뢰할 수 있는 계획.",
                "既存の知的財産と新たに生まれる知的財産についての信頼できる計画。",
            ),
            "10",
        ),
    ],
    Track.OPEN_INNOVATION: [
        (
            ("Relevance to the challenge", "과제 부합성", "課題への適合性"),
            (
                "How directly the proposal solves the problem as posed.",
                "제안이 제시된 문제를 얼마나 직접적으로 해결하는지.",
                "提案が提示された課題をどれだけ直接的に解決するか。",
            ),
            "30",
        ),
        (
            ("Solution feasibility", "솔루션 실현 가능성", "ソリューションの実現可能性"),
            (
                "Maturity and evidence of the proposed solution.",
                "제안한 솔루션의 성숙도와 근거.",
                "提案するソリューションの成熟度とエビデンス。",
            ),
            "25",
        ),
        (
            ("Proof-of-concept plan", "PoC 계획", "PoC計画"),
            (
                "Scope, data, timeline and success criteria of the PoC.",
                "PoC의 범위, 데이터, 일정, 성공 기준.",
                "PoCの範囲、データ、スケジュール、成功基準。",
            ),
            "20",
        ),
        (
            ("Team", "팀", "チーム"),
            (
                "Ability of the team to deliver the PoC.",
                "PoC를 완수할 팀의 역량.",
                "PoCをやり遂げるチームの能力。",
            ),
            "15",
        ),
        (
            ("Scalability", "확장성", "拡張性"),
            (
                "Potential to extend beyond the PoC with the pharmaceutical partner.",
                "제약사 파트너와 PoC 이후로 협력을 확장할 가능성.",
                "製薬企業パートナーとPoCの先へ協力を広げる可能性。",
            ),
            "10",
        ),
    ],
}

REQUIRED_DOCUMENTS = {
    Track.STARTUP_SUPPORT: [
        DocumentKind.BUSINESS_PLAN,
        DocumentKind.PITCH_DECK,
        DocumentKind.CLINICAL_PLAN,
    ],
    Track.JOINT_RND: [DocumentKind.BUSINESS_PLAN, DocumentKind.IP_EVIDENCE],
    Track.OPEN_INNOVATION: [DocumentKind.BUSINESS_PLAN, DocumentKind.PITCH_DECK],
}

CYCLE_DESCRIPTIONS = {  # (English, Korean, Japanese); {quota} is the selection quota
    Track.STARTUP_SUPPORT: (
        "Up to {quota} startups are selected for demonstration and clinical preparation at "
        "iPark, with joint support from MSS and iPark.",
        "iPark에서 실증 및 임상 준비를 진행할 스타트업을 최대 {quota}개사 선정하며, MSS와 "
        "iPark가 공동으로 지원합니다.",
        "iParkで実証と臨床準備を行うスタートアップを最大{quota}社採択し、MSSとiParkが共同で"
        "支援します。",
    ),
    Track.JOINT_RND: (
        "Up to {quota} Korean startups are matched with Japanese technology holders for joint "
        "R&D on one of the technologies below.",
        "최대 {quota}개 한국 스타트업을 일본의 기술 보유 기관과 연결하여 아래 기술 중 하나로 "
        "공동 연구개발을 진행합니다.",
        "最大{quota}社の韓国スタートアップを日本の技術保有者とマッチングし、下記の技術の"
        "いずれかで共同研究開発を行います。",
    ),
    Track.OPEN_INNOVATION: (
        "Up to {quota} startups run a proof of concept with the Japanese pharmaceutical "
        "company whose challenge they answer.",
        "최대 {quota}개 스타트업이 자신이 응답한 과제를 제시한 일본 제약사와 함께 PoC(개념 "
        "검증)를 수행합니다.",
        "最大{quota}社のスタートアップが、応募した課題を提示した日本の製薬企業とPoC（概念"
        "実証）を行います。",
    ),
}


def demo_timeline(today=None) -> dict[str, datetime]:
    """Open a week ago, close in three weeks at 18:00 KST/JST, relative to today."""
    today = today or timezone.now().date()
    nine_utc = time(9, 0, tzinfo=UTC)  # 18:00 in Seoul and Tokyo
    opens = datetime.combine(today - timedelta(days=7), time(0, 0, tzinfo=UTC))
    closes = datetime.combine(today + timedelta(days=21), nine_utc)
    review_due = closes + timedelta(days=21)
    return {
        "opens_at": opens,
        "closes_at": closes,
        "review_due_at": review_due,
        "announce_at": review_due + timedelta(days=14),
    }


def _split(spec: dict) -> tuple[dict, dict]:
    """(lookup by the English title, the other values) of a catalogue item."""
    return {"title_en": spec["title_en"]}, {k: v for k, v in spec.items() if k != "title_en"}


def _seed_catalogue():
    technologies = [upsert(Technology, *_split(spec))[0] for spec in TECHNOLOGIES]
    challenges = [upsert(Challenge, *_split(spec))[0] for spec in CHALLENGES]
    return technologies, challenges


def seed_rubric(cycle: Cycle) -> None:
    """The track's demo rubric (``RUBRICS``) on ``cycle``, in three languages."""
    for order, (names, descriptions, weight) in enumerate(RUBRICS[cycle.program.track], start=1):
        upsert(
            Criterion,
            {"cycle": cycle, "order": order},
            {
                **translated("name", *names),
                **translated("description", *descriptions),
                "weight": Decimal(weight),
                "max_score": 10,
            },
        )


def seed_questions(cycle: Cycle) -> None:
    """Two questions of the startup-support demo call: whether the company already has a
    subsidiary or partner in Japan and, only if so, where (both optional, so that the
    demo's own submissions stand)."""
    parent, _ = upsert(
        Question,
        {"cycle": cycle, "order": 1},
        {
            "kind": QuestionKind.YES_NO,
            **translated(
                "label",
                "Does the company already have a subsidiary or partner in Japan?",
                "회사에 이미 일본 자회사나 협력사가 있습니까?",
                "日本に子会社または提携先がすでにありますか?",
            ),
            **translated(
                "help_text",
                "Answer yes if a Japanese entity is already under contract with you.",
                "일본 법인과 이미 계약 관계가 있다면 ‘예’를 고르십시오.",
                "日本の法人とすでに契約関係がある場合は「はい」を選んでください。",
            ),
            "required": False,
            "visible_to_reviewers": True,
        },
    )
    upsert(
        Question,
        {"cycle": cycle, "order": 2},
        {
            "kind": QuestionKind.SHORT_TEXT,
            **translated(
                "label",
                "Name and city of the Japanese subsidiary or partner",
                "일본 자회사나 협력사의 이름과 도시",
                "日本の子会社または提携先の名称と所在地",
            ),
            "required": False,
            "visible_to_reviewers": False,
            "condition_question": parent,
            "condition_value": YES,
        },
    )


def _seed_cycle(program: Program, technologies, challenges) -> Cycle:
    timeline = demo_timeline()
    year = (timeline["announce_at"] + timedelta(days=30)).year
    quota = 5
    cycle = Cycle.objects.filter(program=program, slug=f"{year}-round-1").first()
    values = {
        **translated("name", f"{year} Round 1", f"{year}년 1차", f"{year}年 第1回"),
        "code": f"{year}R1",
        **translated(
            "description", *(text.format(quota=quota) for text in CYCLE_DESCRIPTIONS[program.track])
        ),
        "selection_quota": quota,
        "reviews_per_application": 2,
        "blind_review": program.track == Track.OPEN_INNOVATION,
        "required_document_kinds": [str(kind) for kind in REQUIRED_DOCUMENTS[program.track]],
    }
    # Keep the demo open: refresh the dates only while the cycle still takes applications
    # (or before it opened), never once reviews or decisions exist.
    if cycle is None or cycle.phase in (CyclePhase.DRAFT, CyclePhase.OPEN):
        values.update(timeline)
    cycle, _ = upsert(Cycle, {"program": program, "slug": f"{year}-round-1"}, values)
    seed_rubric(cycle)
    if program.track == Track.STARTUP_SUPPORT:
        seed_questions(cycle)
    if program.track == Track.JOINT_RND:
        cycle.technologies.add(*technologies)
    if program.track == Track.OPEN_INNOVATION:
        cycle.challenges.add(*challenges)
    if cycle.phase == CyclePhase.DRAFT:
        cycle_transition(cycle=cycle, to=CyclePhase.OPEN, actor=None, note="Demo data")
    return cycle


def seed() -> list[DemoLogin]:
    technologies, challenges = _seed_catalogue()
    for program in Program.objects.all():
        _seed_cycle(program, technologies, challenges)

    logins = []
    for organisation, email, name, language in [
        (Organisation.MSS, "manager.mss@demo.mou-portal.example", "Park Ji-hoon (MSS)", "ko"),
        (Organisation.IPARK, "manager.ipark@demo.mou-portal.example", "Sato Yui (iPark)", "ja"),
    ]:
        password = "demo-manager-2027"
        user = demo_user(
            email=email, password=password, display_name=name, language=language, is_staff=False
        )
        manager, _ = upsert(ProgramManager, {"user": user}, {"organisation": organisation})
        manager.programs.add(*Program.objects.all())
        logins.append(DemoLogin(f"manager ({organisation.label.split(' ')[0]})", email, password))
    return logins
