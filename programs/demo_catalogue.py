"""The demo's technology catalogue and challenge board, from clearly fictional
organisations, with each text in English (the original), Korean and Japanese."""

from common.demo import translated

from .enums import Field, HolderType, IPStatus


def _texts(**fields: tuple[str, str, str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for field, (en, ko, ja) in fields.items():
        values.update(translated(field, en, ko, ja))
    return values


TECHNOLOGIES = [
    {
        "holder": "Shonan Northern University (fictional)",
        "holder_type": HolderType.UNIVERSITY,
        "field": Field.REGENERATIVE_MEDICINE,
        "trl": 4,
        "ip_status": IPStatus.GRANTED,
        **_texts(
            title=(
                "Xeno-free expansion medium for iPS-derived cardiomyocytes",
                "iPS 유래 심근세포용 이종성분 무첨가 증식 배지",
                "iPS細胞由来心筋細胞のためのゼノフリー増殖培地",
            ),
            summary=(
                "A chemically defined medium that expands iPS-derived cardiomyocytes 40-fold "
                "without animal components, with batch-to-batch variability under 5%.",
                "동물 유래 성분 없이 iPS 유래 심근세포를 40배 증식시키는 화학조성 한정 배지로, "
                "배치 간 편차가 5% 미만입니다.",
                "動物由来成分を使わずにiPS細胞由来心筋細胞を40倍に増殖させる化学的組成既知培地で、"
                "ロット間のばらつきは5%未満です。",
            ),
        ),
    },
    {
        "holder": "Miura Institute of Biomolecular Research (fictional)",
        "holder_type": HolderType.RESEARCH_INSTITUTE,
        "field": Field.GENE_THERAPY,
        "trl": 3,
        "ip_status": IPStatus.PENDING,
        **_texts(
            title=(
                "Lipid nanoparticle for liver-sparing gene delivery",
                "간 축적을 줄인 유전자 전달용 지질 나노입자",
                "肝臓を回避する遺伝子送達用脂質ナノ粒子",
            ),
            summary=(
                "An ionisable lipid formulation that redirects mRNA payloads away from the "
                "liver toward muscle tissue in rodent models.",
                "설치류 모델에서 mRNA 탑재물을 간이 아닌 근육 조직으로 전달하는 이온화 지질 "
                "제형입니다.",
                "げっ歯類モデルにおいて、mRNAを肝臓ではなく筋組織へ届けるイオン化脂質製剤です。",
            ),
        ),
    },
    {
        "holder": "Sagami Cellworks K.K. (fictional)",
        "holder_type": HolderType.COMPANY,
        "field": Field.CELL_THERAPY,
        "trl": 6,
        "ip_status": IPStatus.GRANTED,
        **_texts(
            title=(
                "Closed automated CAR-T manufacturing cassette",
                "폐쇄형 자동 CAR-T 제조 카세트",
                "閉鎖系自動CAR-T製造カセット",
            ),
            summary=(
                "A single-use cassette that runs transduction, expansion and formulation of "
                "CAR-T cells in a closed system within nine days.",
                "CAR-T 세포의 형질도입, 증식, 제형화를 폐쇄 시스템에서 9일 안에 수행하는 "
                "일회용 카세트입니다.",
                "CAR-T細胞の遺伝子導入・増殖・製剤化を閉鎖系で9日以内に行う使い捨てカセットです。",
            ),
        ),
    },
    {
        "holder": "Enoshima Medical College (fictional)",
        "holder_type": HolderType.UNIVERSITY,
        "field": Field.REGENERATIVE_MEDICINE,
        "trl": 3,
        "ip_status": IPStatus.KNOW_HOW,
        **_texts(
            title=(
                "Cartilage organoid scaffold from decellularised matrix",
                "탈세포화 기질 기반 연골 오가노이드 지지체",
                "脱細胞化マトリックスを用いた軟骨オルガノイド足場",
            ),
            summary=(
                "A porous scaffold that supports chondrocyte organoids with load-bearing "
                "properties close to native cartilage.",
                "천연 연골에 가까운 하중 지지 특성을 갖춘 연골세포 오가노이드용 다공성 "
                "지지체입니다.",
                "天然軟骨に近い荷重支持特性を持つ、軟骨細胞オルガノイド用の多孔質足場です。",
            ),
        ),
    },
    {
        "holder": "Fujisawa Vision Research Center (fictional)",
        "holder_type": HolderType.RESEARCH_INSTITUTE,
        "field": Field.GENE_THERAPY,
        "trl": 4,
        "ip_status": IPStatus.PENDING,
        **_texts(
            title=(
                "AAV capsid library for retinal targeting",
                "망막 표적용 AAV 캡시드 라이브러리",
                "網膜標的化のためのAAVカプシドライブラリー",
            ),
            summary=(
                "Engineered capsids with threefold higher photoreceptor transduction after "
                "intravitreal injection in non-human primates.",
                "영장류 유리체강 내 주사 후 광수용체 형질도입 효율이 3배 높은 개량 캡시드입니다.",
                "非ヒト霊長類への硝子体内注射で視細胞への導入効率が3倍高い改変カプシドです。",
            ),
        ),
    },
    {
        "holder": "Kamakura Analytics Co., Ltd. (fictional)",
        "holder_type": HolderType.COMPANY,
        "field": Field.ICT,
        "trl": 5,
        "ip_status": IPStatus.UNPROTECTED,
        **_texts(
            title=(
                "Machine-learning potency assay for MSC batches",
                "MSC 배치용 머신러닝 역가 분석",
                "MSCロット向け機械学習による力価評価",
            ),
            summary=(
                "Image-based prediction of mesenchymal stromal cell potency from morphology, "
                "replacing a two-week functional assay.",
                "세포 형태 이미지로 중간엽 기질세포의 역가를 예측하여 2주가 걸리는 기능 분석을 "
                "대체합니다.",
                "細胞形態の画像から間葉系間質細胞の力価を予測し、2週間かかる機能評価に代わります。",
            ),
        ),
    },
]

CHALLENGES = [
    {
        "company": "Kamakura Pharma Co. (fictional)",
        "field": Field.ICT,
        **_texts(
            title=(
                "Predicting patient drop-out in long oncology trials",
                "장기 항암 임상시험의 환자 중도 탈락 예측",
                "長期がん臨床試験における患者の脱落予測",
            ),
            problem_statement=(
                "Up to a third of participants leave our phase II oncology trials before the "
                "primary endpoint. We need to identify at-risk participants early.",
                "당사 2상 항암 임상시험 참여자의 최대 3분의 1이 1차 평가변수 도달 전에 "
                "이탈합니다. 탈락 위험이 있는 참여자를 조기에 파악해야 합니다.",
                "当社の第II相がん臨床試験では、参加者の最大3分の1が主要評価項目の前に脱落します。"
                "脱落リスクのある参加者を早期に見つける必要があります。",
            ),
            expected_outcome=(
                "A validated model or service that flags at-risk participants from routinely "
                "collected trial data, with a workflow for site staff.",
                "일상적으로 수집되는 임상 데이터로 위험 참여자를 표시하는 검증된 모델 또는 "
                "서비스와 실시기관 직원용 업무 흐름.",
                "日常的に収集される試験データからリスクのある参加者を示す検証済みのモデルまたは"
                "サービスと、実施施設スタッフ向けのワークフロー。",
            ),
            poc_terms=(
                "Six months; up to JPY 10 million; de-identified historical trial data "
                "provided under NDA; results jointly owned, licence terms negotiated after the "
                "PoC.",
                "6개월, 최대 1,000만 엔, 비밀유지계약에 따라 비식별화된 과거 임상 데이터 제공, "
                "결과는 공동 소유하며 라이선스 조건은 PoC 후 협의.",
                "6か月、最大1,000万円、秘密保持契約のもとで匿名化した過去の試験データを提供、"
                "成果は共有とし、ライセンス条件はPoC後に協議。",
            ),
        ),
    },
    {
        "company": "Enoshima Therapeutics K.K. (fictional)",
        "field": Field.CELL_THERAPY,
        **_texts(
            title=(
                "Cold-chain-free transport of cell therapy products",
                "콜드체인 없는 세포치료제 운송",
                "コールドチェーン不要の細胞治療製品輸送",
            ),
            problem_statement=(
                "Cryopreserved cell products need liquid nitrogen shippers that limit our reach "
                "to regional hospitals.",
                "동결 보존된 세포 제품은 액체질소 운송 용기가 필요해 지역 병원까지 공급하기 "
                "어렵습니다.",
                "凍結保存した細胞製品には液体窒素の輸送容器が必要で、地方の病院へ届けにくくなって"
                "います。",
            ),
            expected_outcome=(
                "A formulation or device that keeps viability above 85% for 72 hours at 2–8 °C.",
                "2–8 °C에서 72시간 동안 생존율을 85% 이상으로 유지하는 제형 또는 장치.",
                "2～8 °Cで72時間、生存率を85%以上に保つ製剤または装置。",
            ),
            poc_terms=(
                "Four months; materials and analytics at iPark provided; startup keeps its "
                "background IP.",
                "4개월, iPark에서 재료와 분석 제공, 스타트업은 기존 지식재산을 보유.",
                "4か月、iParkで材料と分析を提供、スタートアップは既存の知的財産を保持。",
            ),
        ),
    },
    {
        "company": "Shonan Biologics Inc. (fictional)",
        "field": Field.GENE_THERAPY,
        **_texts(
            title=(
                "Reducing host-cell protein in AAV downstream processing",
                "AAV 정제 공정의 숙주세포 단백질 저감",
                "AAV精製工程における宿主細胞タンパク質の低減",
            ),
            problem_statement=(
                "Host-cell protein levels in our AAV purification exceed targets at 200 L scale.",
                "200 L 규모의 AAV 정제에서 숙주세포 단백질 농도가 목표치를 넘습니다.",
                "200 Lスケールでの当社のAAV精製では、宿主細胞タンパク質が目標値を超えています。",
            ),
            expected_outcome=(
                "A purification step or resin that halves host-cell protein with no more than "
                "10% yield loss.",
                "수율 손실 10% 이내로 숙주세포 단백질을 절반으로 줄이는 정제 단계 또는 레진.",
                "収率の低下を10%以内に抑えつつ宿主細胞タンパク質を半減させる精製工程または樹脂。",
            ),
            poc_terms=(
                "Five months; process samples provided; joint evaluation at iPark.",
                "5개월, 공정 시료 제공, iPark에서 공동 평가.",
                "5か月、工程サンプルを提供、iParkで共同評価。",
            ),
        ),
    },
    {
        "company": "Kamakura Pharma Co. (fictional)",
        "field": Field.ICT,
        **_texts(
            title=(
                "Automated literature surveillance for pharmacovigilance",
                "약물감시를 위한 문헌 모니터링 자동화",
                "ファーマコビジランスのための文献調査の自動化",
            ),
            problem_statement=(
                "Our safety team screens thousands of Japanese and Korean articles by hand each "
                "month for adverse event reports.",
                "당사 안전성 팀은 매달 수천 건의 일본어·한국어 논문에서 이상사례 보고를 직접 "
                "검토합니다.",
                "当社の安全性チームは毎月、数千件の日本語・韓国語の論文から有害事象の報告を"
                "手作業で探しています。",
            ),
            expected_outcome=(
                "A bilingual screening tool with recall above 95% against our labelled archive.",
                "당사 라벨링 자료 기준 재현율 95% 이상의 2개 언어 선별 도구.",
                "当社のラベル付きアーカイブに対して再現率95%以上の二言語スクリーニングツール。",
            ),
            poc_terms=(
                "Three months; labelled archive under NDA; fixed fee of JPY 5 million.",
                "3개월, 비밀유지계약에 따라 라벨링 자료 제공, 고정 비용 500만 엔.",
                "3か月、秘密保持契約のもとでラベル付きアーカイブを提供、固定費500万円。",
            ),
        ),
    },
    {
        "company": "Tsujido Regenerative Labs (fictional)",
        "field": Field.REGENERATIVE_MEDICINE,
        **_texts(
            title=(
                "Non-invasive monitoring of engrafted tissue",
                "생착 조직의 비침습 모니터링",
                "生着組織の非侵襲モニタリング",
            ),
            problem_statement=(
                "We lack a way to monitor the viability of engrafted iPS-derived tissue without "
                "biopsy.",
                "생검 없이 생착된 iPS 유래 조직의 생존 여부를 확인할 방법이 없습니다.",
                "生検なしで、生着したiPS細胞由来組織の生存状態を確認する方法がありません。",
            ),
            expected_outcome=(
                "An imaging or biomarker approach validated in a large-animal model.",
                "대동물 모델에서 검증된 영상 또는 바이오마커 기반 방법.",
                "大動物モデルで検証された画像またはバイオマーカーによる手法。",
            ),
            poc_terms=(
                "Six months; animal facility access at iPark; co-authorship of results.",
                "6개월, iPark 동물실험 시설 이용, 결과는 공동 저자로 발표.",
                "6か月、iParkの動物実験施設を利用可能、成果は共著で発表。",
            ),
        ),
    },
    {
        "company": "Enoshima Therapeutics K.K. (fictional)",
        "field": Field.ICT,
        **_texts(
            title=(
                "Digital consent for decentralised trials",
                "분산형 임상시험을 위한 전자 동의",
                "分散型臨床試験のための電子同意",
            ),
            problem_statement=(
                "Paper consent slows enrolment for our trials that recruit in both Japan and "
                "Korea.",
                "일본과 한국에서 동시에 모집하는 당사 임상시험은 종이 동의서 때문에 등록이 "
                "늦어집니다.",
                "日本と韓国の両方で募集する当社の臨床試験では、紙の同意書が登録を遅らせています。",
            ),
            expected_outcome=(
                "An e-consent workflow compliant with Japanese and Korean guidance.",
                "일본과 한국의 지침을 준수하는 전자 동의 업무 흐름.",
                "日本と韓国のガイダンスに準拠した電子同意のワークフロー。",
            ),
            poc_terms=(
                "Four months; regulatory advice from our team; pilot at two sites.",
                "4개월, 당사 팀의 규제 자문, 2개 기관에서 시범 운영.",
                "4か月、当社チームによる規制面の助言、2施設での試行。",
            ),
        ),
    },
]
