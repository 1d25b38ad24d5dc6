# SPDX-License-Identifier: GPL-3.0-or-later
"""What the demo programme (DEMO-WASH) is about: its periods, schools, people, framework, and the
plan of each indicator (targets and how well it goes), read by demo.py to build the package."""

from __future__ import annotations

from dataclasses import dataclass

DEMO_CODE = "DEMO-WASH"
QUARTERS = ("2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3", "2026Q4")
REPORTED = QUARTERS[:6]  # the demo stands just after 2026Q2: six quarters of actuals
# Older quarters have been through review; the latest is still being entered.
VALUE_STATUS = {
    "2025Q1": "approved",
    "2025Q2": "approved",
    "2025Q3": "approved",
    "2025Q4": "approved",
    "2026Q1": "submitted",
}
SATISFACTION = "2.3"
MISSING_PERIOD = ("2.1.2", "2025Q3")  # no sessions reported while schools were closed

DISTRICTS = (
    (
        "LAK",
        "Lakeside district",
        ("Nyamira primary", "Ombeyi primary", "Rangala primary", "Kanyawegi primary"),
    ),
    ("HIL", "Hills district", ("Mlima Juu primary", "Kilele primary", "Mteremko primary", "Bonde primary")),
    ("RIV", "Riverside district", ("Mto Mdogo primary", "Kivuko primary", "Daraja primary")),
)

PEOPLE = (
    {
        "code": "amina",
        "name": "Amina Yusuf",
        "organisation": "Maji Safi Partners",
        "role": "M&E officer",
        "email": "amina.yusuf@example.org",
    },
    {
        "code": "joseph",
        "name": "Joseph Otieno",
        "organisation": "Maji Safi Partners",
        "role": "WASH engineer",
        "email": "joseph.otieno@example.org",
    },
    {
        "code": "grace",
        "name": "Grace Wanjiru",
        "organisation": "Maji Safi Partners",
        "role": "Hygiene promotion officer",
        "email": "grace.wanjiru@example.org",
    },
    {
        "code": "david",
        "name": "David Mwangi",
        "organisation": "Maji Safi Partners",
        "role": "Programme manager",
        "email": "david.mwangi@example.org",
    },
)

RESULTS = (
    ("G", "Goal", "Children in rural schools are healthier and attend school more", None),
    ("O1", "Outcome", "Pupils and staff use safe drinking water at school", "G"),
    ("O2", "Outcome", "Pupils and staff practise good hygiene", "G"),
    ("O3", "Outcome", "School communities manage their WASH services sustainably", "G"),
    ("O1.1", "Output", "Water points constructed or rehabilitated", "O1"),
    ("O1.2", "Output", "Water treatment supplies delivered", "O1"),
    ("O2.1", "Output", "Hygiene promotion sessions delivered", "O2"),
    ("O2.2", "Output", "Handwashing stations installed", "O2"),
    ("O3.1", "Output", "School WASH committees trained", "O3"),
)

STORIES = (
    "The committee now keeps a repair log and fixed the hand pump within a week.",
    "Parents contribute a small monthly fee; the treasurer reports at each meeting.",
    "Girls say they no longer miss school during menstruation since the new latrines opened.",
    "Teachers lead a daily handwashing routine before lunch.",
    "The committee chair moved away; the committee has not met since.",
    "Pupils run a hygiene club that inspects the latrines every Friday.",
    "The water point was vandalised; the community set up a night watch.",
    "Head teacher reports fewer pupils sent home with stomach complaints.",
)


@dataclass(frozen=True)
class IndicatorPlan:
    """One demo indicator: its reference sheet, its targets, and how well it is going."""

    code: str
    result: str
    name: str
    measure: str
    direction: str = "increase"
    cumulation: str = "periodic"
    unit: str = ""
    definition: str = ""
    disaggregations: tuple[str, ...] = ()
    baseline: float | None = 0
    targets: tuple[float, ...] = ()  # programme level, one per quarter (cumulative: to date)
    ratio: float = 1.0  # number: actual ÷ target, before noise
    percents: tuple[float, ...] = ()  # percent: the programme-level actual of each reported quarter
    sample: tuple[int, int] = (20, 60)  # percent: range of a site's denominator
    by_size: bool = True  # percent: whether bigger schools have bigger denominators
    adult_share: float = 0.2  # share of the 18+ option when disaggregated by age
    responsible: str = "amina"
    data_source: str = ""
    collection_method: str = ""
    lop_target: float | None = None


PLANS: tuple[IndicatorPlan, ...] = (
    IndicatorPlan(
        "G.1",
        "G",
        "Pupils absent because of diarrhoeal illness",
        "percent",
        "decrease",
        unit="%",
        definition="Pupils absent at least one day in the last month because of diarrhoea ÷ pupils on the "
        "register, × 100.",
        baseline=18,
        targets=(17, 16, 15, 14, 13, 12, 11, 10),
        percents=(17.5, 16.2, 15.8, 14.1, 13.0, 12.4),
        sample=(150, 450),
        data_source="School attendance registers",
        collection_method="Register review",
    ),
    IndicatorPlan(
        "G.2",
        "G",
        "Pupils enrolled in target schools",
        "number",
        "none",
        "running_total",
        unit="pupils",
        definition="Pupils on the register on the last day of the quarter (context indicator).",
        disaggregations=("SEX",),
        baseline=5200,
        targets=(5200, 5250, 5300, 5400, 5450, 5500, 5550, 5600),
        ratio=1.01,
        data_source="School registers",
        collection_method="Head-teacher return",
    ),
    IndicatorPlan(
        "G.3",
        "G",
        "Stories of change from pupils, parents and teachers",
        "qualitative",
        definition="Most significant change stories collected at each review.",
        baseline=None,
        responsible="david",
        collection_method="Most significant change",
    ),
    IndicatorPlan(
        "1.1",
        "O1",
        "People gaining access to a basic drinking water service at school",
        "number",
        cumulation="cumulative",
        unit="people",
        definition="Pupils, staff and neighbours who draw water at a school whose improved water point works.",
        disaggregations=("SEX", "AGE"),
        targets=(500, 1200, 2000, 3000, 3800, 4600, 5300, 6000),
        ratio=1.3,
        adult_share=0.18,
        responsible="joseph",
        data_source="Construction completion reports",
    ),
    IndicatorPlan(
        "1.2",
        "O1",
        "Water points functional at time of spot check",
        "percent",
        unit="%",
        definition="Spot checks finding the water point working ÷ spot checks made, × 100.",
        baseline=55,
        targets=(60, 65, 70, 75, 80, 80, 85, 85),
        percents=(58, 63, 66, 70, 74, 77),
        sample=(8, 20),
        responsible="joseph",
        collection_method="Unannounced spot checks",
    ),
    IndicatorPlan(
        "1.3",
        "O1",
        "Chlorine tablet stock-out rate",
        "percent",
        "decrease",
        unit="% of weeks",
        definition="School-weeks with no chlorine tablets in stock ÷ school-weeks monitored, × 100.",
        baseline=35,
        targets=(30, 27, 24, 20, 17, 14, 12, 10),
        percents=(31, 26, 23, 19, 16, 13),
        sample=(13, 13),
        by_size=False,
        responsible="joseph",
        data_source="Weekly stock cards",
    ),
    IndicatorPlan(
        "2.1",
        "O2",
        "Pupils observed washing hands with soap at critical times",
        "percent",
        unit="%",
        definition="Pupils seen washing hands with soap after the latrine ÷ pupils observed, × 100.",
        baseline=20,
        targets=(25, 30, 35, 40, 45, 50, 55, 60),
        percents=(27, 34, 41, 49, 56, 63),
        sample=(30, 60),
        responsible="grace",
        collection_method="Structured observation",
    ),
    IndicatorPlan(
        "2.2",
        "O2",
        "Schools with separate, functional latrines for girls",
        "number",
        cumulation="running_total",
        unit="schools",
        targets=(2, 3, 4, 5, 6, 8, 9, 11),
        ratio=0.75,
        responsible="joseph",
        data_source="Facility checklist",
    ),
    IndicatorPlan(
        SATISFACTION,
        "O2",
        "Beneficiaries satisfied with school WASH services",
        "percent",
        unit="%",
        definition="Pupils, parents and staff answering 'satisfied' or 'very satisfied' ÷ respondents, × 100.",
        baseline=65,
        targets=(70, 72, 75, 75, 78, 80, 80, 80),
        percents=(78, 80, 76, 73, 66, 62),
        sample=(15, 40),
        responsible="amina",
        collection_method="Exit interviews",
    ),
    IndicatorPlan(
        "3.1",
        "O3",
        "Attendance at school WASH committee meetings",
        "percent",
        unit="%",
        definition="Members present at the quarterly meeting ÷ committee members, × 100.",
        baseline=40,
        targets=(60, 65, 70, 75, 80, 80, 85, 85),
        percents=(55, 60, 66, 72, 78, 82),
        sample=(7, 12),
        by_size=False,
        responsible="grace",
        data_source="Committee minutes",
    ),
    IndicatorPlan(
        "3.2",
        "O3",
        "How well school WASH committees function",
        "qualitative",
        baseline=None,
        definition="Narrative assessment by the field team after each committee visit.",
        responsible="grace",
    ),
    IndicatorPlan(
        "3.3",
        "O3",
        "Operation and maintenance funds collected by committees",
        "number",
        cumulation="cumulative",
        unit="USD",
        targets=(300, 700, 1200, 1800, 2400, 3000, 3600, 4200),
        ratio=0.92,
        responsible="david",
        data_source="Committee cash books",
    ),
    IndicatorPlan(
        "1.1.1",
        "O1.1",
        "Water points constructed or rehabilitated",
        "number",
        cumulation="cumulative",
        unit="water points",
        targets=(4, 10, 16, 22, 26, 30, 33, 35),
        ratio=0.5,
        lop_target=35,
        responsible="joseph",
        data_source="Contractor completion certificates",
    ),
    IndicatorPlan(
        "1.1.2",
        "O1.1",
        "Latrine blocks rehabilitated",
        "number",
        unit="latrine blocks",
        targets=(3, 4, 4, 4, 3, 3, 2, 2),
        ratio=1.0,
        responsible="joseph",
    ),
    IndicatorPlan(
        "1.2.1",
        "O1.2",
        "Chlorine tablet packs distributed to schools",
        "number",
        unit="packs",
        targets=(110,) * 8,
        ratio=0.95,
        responsible="joseph",
        data_source="Delivery notes",
    ),
    IndicatorPlan(
        "2.1.1",
        "O2.1",
        "People reached by hygiene promotion sessions",
        "number",
        unit="people",
        disaggregations=("SEX", "AGE"),
        targets=(800, 900, 900, 1000, 1000, 1000, 900, 900),
        ratio=1.35,
        responsible="grace",
        data_source="Session attendance sheets",
    ),
    IndicatorPlan(
        "2.1.2",
        "O2.1",
        "Hygiene promotion sessions held",
        "number",
        unit="sessions",
        targets=(30, 33, 33, 36, 36, 36, 33, 33),
        ratio=1.0,
        responsible="grace",
        data_source="Session attendance sheets",
    ),
    IndicatorPlan(
        "2.2.1",
        "O2.2",
        "Handwashing stations installed",
        "number",
        cumulation="cumulative",
        unit="stations",
        targets=(10, 25, 40, 55, 66, 77, 88, 99),
        ratio=1.05,
        responsible="joseph",
    ),
    IndicatorPlan(
        "3.1.1",
        "O3.1",
        "School WASH committee members trained",
        "number",
        unit="people",
        disaggregations=("SEX",),
        targets=(40, 40, 30, 30, 20, 20, 10, 10),
        ratio=0.55,
        responsible="grace",
        data_source="Training attendance sheets",
    ),
)

COMMENTS = {
    ("1.1.1", "2025Q3"): "Drilling delayed by the long rains; the rig could not reach the site.",
    ("3.1.1", "2025Q4"): "Trainings postponed: facilitators redeployed to the cholera response.",
    (SATISFACTION, "2026Q1"): "Long queues at the only working tap after two pump breakdowns.",
    (SATISFACTION, "2026Q2"): "Parents complain that repairs take weeks; latrines not cleaned daily.",
}

# Values made unusual on purpose, so the data-quality warnings have something to show: one
# explained by a comment, one left for the user to check (more than 3× its target, still a draft).
PLANTED = {
    ("2.1.1", "2025Q4", "HIL-03"): "Joint hygiene day with the district health office; parents came too.",
    ("1.2.1", "2026Q2", "RIV-01"): "",
}
PLANTED_FACTOR = 4
