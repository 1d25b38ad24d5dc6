# SPDX-License-Identifier: GPL-3.0-or-later
"""The closed loop of the demo programme (issue #9 §9): its alert, meetings, decisions, actions,
lessons and feedback, added through the services once the demo package is imported."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.actions import ActionStatus, Priority
from pmdesk.domain.learning import FeedbackStatus
from pmdesk.domain.meetings import AgendaKind, MeetingKind, day_text
from pmdesk.services.actions import ActionData, ActionInfo, ActionService
from pmdesk.services.actor import Actor
from pmdesk.services.alert_records import AlertInfo
from pmdesk.services.alerts import AlertService
from pmdesk.services.learning import FeedbackData, LearningService, LessonData, LessonInfo, Links
from pmdesk.services.meetings import AttendeeData, DecisionInfo, MeetingData, MeetingDetail, MeetingService

OFFICE = "Maji Safi Partners field office, Lakeside"


def _days(today: date, days: int) -> date:
    return today + timedelta(days=days)


def _workday(day: date) -> date:
    """The day, or the Friday before it when it falls on a weekend (meetings are held on workdays)."""
    return day - timedelta(days=max(0, day.weekday() - 4))


class DemoLoop:
    """Adds the loop to an imported demo programme, every date counted from `today`, so the
    overdue, due-soon and done-on-time actions stay so whenever the demo is created.

    The story: parents complain at a feedback session, an after-action review learns from pump
    breakdowns, then the quarterly review takes up the satisfaction alert and the off-track
    indicators and decides what to do; today the next review is being minuted."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        actor: Actor,
        package: Mapping[str, Any],
        satisfaction: str,
        today: date,
    ) -> None:
        self._code = str(package["programme"]["code"])
        self._package = package
        self._satisfaction = satisfaction
        self._today = today
        self._alerts = AlertService(sessions, actor)
        self._meetings = MeetingService(sessions, actor)
        self._actions = ActionService(sessions, actor)
        self._learning = LearningService(sessions, actor)
        self._counts = dict.fromkeys(("alerts", "meetings", "decisions", "actions", "lessons", "feedback"), 0)

    def add(self) -> dict[str, int]:
        """Build the loop; the number of records of each kind made."""
        alert = self._alert()
        session = self._feedback_session()
        self._after_action_review()
        decisions = self._quarterly_review(alert, session)
        actions = self._decided_actions(decisions, alert)
        self._lessons(actions)
        self._feedback(session, actions)
        self._next_review(alert)
        return dict(self._counts)

    # -- the alert ------------------------------------------------------------------------------

    def _alert(self) -> AlertInfo:
        self._alerts.evaluate(self._code)
        alerts = self._alerts.list(self._code)
        self._counts["alerts"] = len(alerts)
        # Left open on purpose: the user sees it on the Triggers & alerts screen and the next agenda.
        return next(a for a in alerts if a.indicator_code == self._satisfaction)

    # -- meetings before the review -----------------------------------------------------------

    def _feedback_session(self) -> MeetingDetail:
        school = self._schools_by_satisfaction()[0]
        meeting = self._meeting(
            MeetingKind.FEEDBACK,
            f"Parents' feedback session, {school}",
            -54,
            place=school,
            facilitator="Grace Wanjiru",
            attendees=("Grace Wanjiru", "Amina Yusuf", "Rose Akinyi", "Samuel Odhiambo"),
        )
        self._meetings.save_meeting_notes(
            meeting.meeting.id,
            "About forty parents came, with the head teacher (Rose Akinyi) and the committee chair "
            "(Samuel Odhiambo).\n"
            "Main complaints: long queues at the only working tap, and latrines not cleaned every day.\n"
            "Parents offered to take turns supervising the cleaning if the school provides materials.",
        )
        return self._meetings.finalise(meeting.meeting.id)

    def _after_action_review(self) -> None:
        meeting = self._meeting(
            MeetingKind.LEARNING,
            "After-action review: hand pump breakdowns in Lakeside",
            -47,
            place=OFFICE,
            facilitator="Amina Yusuf",
            attendees=("Amina Yusuf", "Joseph Otieno", "Peter Ouma"),
        )
        self._meetings.save_meeting_notes(
            meeting.meeting.id,
            "What was planned: every school water point repaired within a week of a breakdown.\n"
            "What happened: two hand pumps in Lakeside were out of order for about five weeks.\n"
            "Why: spare parts are bought in town only after a breakdown is reported, and the "
            "committees have no budget line for them.\n"
            "What we do differently: keep spare parts close to the schools (lesson recorded).",
        )
        final = self._meetings.finalise(meeting.meeting.id)
        data = LessonData(
            title="Repairs wait for spare parts, not for mechanics",
            what_happened="Two hand pumps in Lakeside were out of order for about five weeks; "
            "pupils queued at the one working tap.",
            why="Spare parts are bought in town only after a breakdown is reported, and the "
            "committees have no budget line for them.",
            lesson="A water point is only as reliable as the spare parts within a day's reach.",
            recommendation="Keep a spare-parts kit at each district office that committees can draw on.",
            tags=("water points", "maintenance", "satisfaction"),
            recorded_on=final.meeting.held_on,
            meeting_uuid=final.meeting.uuid,
            links=Links(indicator_codes=("1.2", self._satisfaction)),
        )
        lesson = self._lesson(data)
        kit = self._action(
            ActionData(
                "Stock a hand-pump spare-parts kit at each district office",
                owner_person_code="joseph",
                due=_days(self._today, -3),
                priority=Priority.MEDIUM,
                indicator_codes=("1.2",),
                lesson_uuid=lesson.uuid,
            )
        )
        self._actions.add_update(
            kit.uuid,
            "Quotation received from the supplier in town; waiting for the budget line to be approved.",
            ActionStatus.IN_PROGRESS,
            on=_days(self._today, -20),
        )
        # The lesson points at the action it gave rise to.
        linked = replace(data, links=Links(data.links.indicator_codes, (kit.code,)))
        self._learning.save_lesson(self._code, linked, lesson.uuid, today=self._today)

    # -- the quarterly review -----------------------------------------------------------------

    def _quarterly_review(self, alert: AlertInfo, session: MeetingDetail) -> dict[str, DecisionInfo]:
        """The review after the quarter that completed the alert's streak, with its decisions by
        topic: 'satisfaction', 'water points', 'training'."""
        quarter = alert.period_labels[-1]
        meeting = self._meeting(
            MeetingKind.REVIEW,
            f"{quarter} quarterly review",
            -40,
            place=OFFICE,
            facilitator="David Mwangi",
            attendees=("David Mwangi", "Amina Yusuf", "Joseph Otieno", "Grace Wanjiru", "Rose Akinyi"),
            propose=True,
        )
        meeting_id = meeting.meeting.id
        items = {i.kind: i for i in reversed(meeting.items)}  # the first of each kind
        by_indicator = {i.indicator_code: i for i in meeting.items if i.kind is AgendaKind.INDICATOR}
        # The facilitator starts with the alert, and drops the satisfaction item it covers.
        alert_item = items[AgendaKind.ALERT]
        self._meetings.move_item(meeting_id, alert_item.id, -len(meeting.items))
        if self._satisfaction in by_indicator:
            self._meetings.remove_item(meeting_id, by_indicator[self._satisfaction].id)
        schools = self._schools_by_satisfaction()[:3]
        heard = self._meetings.add_item(
            meeting_id,
            f"What parents said at {schools[0]}",
            f"Feedback session of {day_text(session.meeting.held_on)}",
        )
        water = by_indicator["1.1.1"]
        training = by_indicator["3.1.1"]
        notes = {
            alert_item.id: f"Satisfaction was {' and '.join(alert.figures)} in "
            f"{' and '.join(alert.period_labels)}, below the 70 % agreed in trigger {alert.trigger_code}. "
            f"Lowest: {_listed(schools)}. Exit interviews mention queues at the tap after pump "
            "breakdowns and dirty latrines.",
            water.id: "The drilling contractor has one rig; the long rains stopped work for a quarter. "
            "At this pace the water points will not all be finished by the end of the programme.",
            training.id: "Trainings were postponed in 2025 Q4 when facilitators went to the cholera "
            "response. Hills district has trained no new committee members since.",
            heard.id: "Same complaints as the exit interviews: queues and latrine cleaning. Parents "
            "offer to supervise a cleaning rota.",
        }
        for item_id, text in notes.items():
            self._meetings.save_item_notes(item_id, text)
        self._meetings.save_meeting_notes(
            meeting_id,
            "Apologies: none. The M&E officer presented the IPTT as of "
            f"{quarter}; the next review is due in three months.",
        )
        decided = {
            "satisfaction": (
                alert_item.id,
                f"Conduct a rapid review of satisfaction in the three lowest-scoring schools "
                f"({_listed(schools)}) and bring corrective actions to the next review.",
            ),
            "water points": (
                water.id,
                "Ask the drilling contractor for a recovery plan for the delayed water points; "
                "consider a second rig only if the plan is not credible.",
            ),
            "training": (
                training.id,
                "Run the postponed committee trainings in Hills district with the district health "
                "office's facilitators before the end of next month.",
            ),
        }
        decisions = {
            topic: self._meetings.save_decision(meeting_id, str(uuid4()), text, item_id)
            for topic, (item_id, text) in decided.items()
        }
        self._counts["decisions"] += len(decisions)
        self._meetings.finalise(meeting_id)
        return decisions

    def _decided_actions(
        self, decisions: Mapping[str, DecisionInfo], alert: AlertInfo
    ) -> dict[str, ActionInfo]:
        """The actions of the review, each at a different stage as of today."""
        today, satisfaction = self._today, self._satisfaction
        rapid = self._action(
            ActionData(
                "Rapid review of satisfaction in the three lowest-scoring schools",
                owner_person_code="amina",
                due=_days(today, 7),
                priority=Priority.HIGH,
                description="Exit interviews and a walk-through with each head teacher; report the "
                "causes and proposed corrective actions.",
                indicator_codes=(satisfaction,),
                decision_uuid=decisions["satisfaction"].uuid,
            )
        )
        for days, note, status in (
            (-35, "Interview guide agreed with the three head teachers.", ActionStatus.IN_PROGRESS),
            (-14, "Interviews done in two of the three schools: queues at the tap come up in most.", None),
        ):
            self._actions.add_update(rapid.uuid, note, status, on=_days(today, days))
        rota = self._action(
            ActionData(
                "Agree a daily latrine-cleaning rota with head teachers and parents",
                owner_person_code="grace",
                due=_days(today, 10),
                indicator_codes=("2.2", satisfaction),
                decision_uuid=decisions["satisfaction"].uuid,
            )
        )
        plan = self._action(
            ActionData(
                "Get a recovery plan for the delayed water points from the drilling contractor",
                owner_person_code="joseph",
                due=_days(today, -10),
                priority=Priority.HIGH,
                indicator_codes=("1.1.1",),
                decision_uuid=decisions["water points"].uuid,
            )
        )
        rig = self._action(
            ActionData(
                "Get quotes for a second drilling rig",
                owner_person_code="david",
                due=_days(today, -14),
                priority=Priority.LOW,
                indicator_codes=("1.1.1",),
                decision_uuid=decisions["water points"].uuid,
            )
        )
        self._actions.close(
            rig.uuid,
            ActionStatus.DROPPED,
            "The donor will not fund a second rig this year; we wait for the contractor's recovery plan.",
            on=_days(today, -21),
        )
        training = self._action(
            ActionData(
                "Run the postponed committee trainings in Hills district",
                owner_person_code="grace",
                due=_days(today, -5),
                indicator_codes=("3.1.1",),
                decision_uuid=decisions["training"].uuid,
            )
        )
        self._actions.add_update(
            training.uuid,
            "Dates agreed with the district health office; invitations sent to the four committees.",
            ActionStatus.IN_PROGRESS,
            on=_days(today, -30),
        )
        self._actions.close(
            training.uuid,
            ActionStatus.DONE,
            "Trained 26 committee members in the four Hills schools over two days; attendance sheets filed.",
            on=_days(today, -9),
        )
        donor = self._action(
            ActionData(
                "Report the satisfaction alert and the corrective plan to the Global WASH Fund",
                owner_person_code="david",
                due=_days(today, 21),
                indicator_codes=(satisfaction,),
                alert_uuid=alert.uuid,
            )
        )
        return {
            "rapid review": rapid,
            "rota": rota,
            "recovery plan": plan,
            "training": training,
            "donor": donor,
        }

    # -- lessons and feedback -------------------------------------------------------------------

    def _lessons(self, actions: Mapping[str, ActionInfo]) -> None:
        self._lesson(
            LessonData(
                title="Plan trainings around the district's emergency calendar",
                what_happened="The committee trainings planned for 2025 Q4 were postponed when the "
                "facilitators were sent to the cholera response.",
                why="The trainings relied on the district health office's staff, who are the first "
                "to be redeployed in an outbreak.",
                lesson="Trainings that depend on government staff slip whenever there is an emergency.",
                recommendation="Train two facilitators of our own and keep the district staff as co-facilitators.",
                tags=("training", "committees", "partners"),
                recorded_on=_days(self._today, -8),
                links=Links(("3.1.1",), (actions["training"].code,)),
            )
        )
        self._lesson(
            LessonData(
                title="Girls use latrines that have a door lock and water inside",
                what_happened="In two schools, girls kept using the old latrines although new "
                "blocks had opened.",
                why="The new blocks had no locks on the doors and the handwashing point was outside.",
                lesson="Privacy and water inside the block matter more to girls than the building itself.",
                recommendation="Add door locks and an inside water point to the latrine design checklist.",
                tags=("latrines", "girls", "design"),
                recorded_on=_days(self._today, -63),
                links=Links(("2.2",)),
            )
        )

    def _feedback(self, session: MeetingDetail, actions: Mapping[str, ActionInfo]) -> None:
        today, satisfaction = self._today, self._satisfaction
        items = (
            FeedbackData(
                source=f"Parents, {session.meeting.place}",
                channel="Community meeting",
                summary="Children queue for a long time at the only working tap and arrive late in class.",
                received_on=session.meeting.held_on,
                response="The broken pump is being repaired and a rapid review of satisfaction is under "
                "way in the three lowest-scoring schools; results will be shared at the next meeting.",
                status=FeedbackStatus.RESPONDED,
                meeting_uuid=session.meeting.uuid,
                links=Links(("1.2", satisfaction), (actions["rapid review"].code,)),
            ),
            FeedbackData(
                source="Pupils' hygiene club",
                channel="Complaints box",
                summary="The girls' latrines are not cleaned every day, so some girls avoid them.",
                received_on=_days(today, -30),
                links=Links(("2.2", satisfaction), (actions["rota"].code,)),
            ),
            FeedbackData(
                source="District health office",
                channel="Partner meeting",
                summary="Asks to co-facilitate the hygiene promotion sessions so that more parents attend.",
                received_on=_days(today, -70),
                response="Agreed: two joint sessions per school each term. Confirmed at the district "
                "coordination meeting.",
                status=FeedbackStatus.CLOSED,
                links=Links(("2.1.1", "2.1.2")),
            ),
            FeedbackData(
                source="Global WASH Fund",
                channel="E-mail",
                summary="Asks for a recovery plan for the water points before releasing the next instalment.",
                received_on=_days(today, -15),
                links=Links(("1.1.1",), (actions["recovery plan"].code, actions["donor"].code)),
            ),
        )
        for data in items:
            self._learning.save_feedback(self._code, data, today=today)
        self._counts["feedback"] += len(items)

    # -- today's review, being minuted ------------------------------------------------------------

    def _next_review(self, alert: AlertInfo) -> None:
        """A draft review held today (on the Friday before, at a weekend): its agenda follows up the
        previous review's decisions, and the first notes are typed, so 'Open live minutes' has
        something to continue."""
        meeting = self._meeting(
            MeetingKind.REVIEW,
            f"{_next_quarter(alert.period_labels[-1])} quarterly review",
            0,
            place=OFFICE,
            facilitator="David Mwangi",
            attendees=("David Mwangi", "Amina Yusuf", "Grace Wanjiru"),
            propose=True,
        )
        self._meetings.save_meeting_notes(
            meeting.meeting.id, "Apologies: Joseph Otieno (on site with the drilling contractor)."
        )
        water = next((i for i in meeting.items if i.indicator_code == "1.1.1"), None)
        if water is not None:
            self._meetings.save_item_notes(
                water.id,
                "Joseph, by phone: the contractor promises the recovery plan by Friday; the rig is "
                "back on site in Hills district.",
            )

    # -- helpers --------------------------------------------------------------------------------

    def _meeting(
        self,
        kind: MeetingKind,
        title: str,
        days: int,
        *,
        place: str,
        facilitator: str,
        attendees: tuple[str, ...],
        propose: bool = False,
    ) -> MeetingDetail:
        data = MeetingData(
            kind.value,
            title,
            _workday(_days(self._today, days)),
            place=place,
            facilitator=facilitator,
            attendees=tuple(AttendeeData(name) for name in attendees),
        )
        self._counts["meetings"] += 1
        return self._meetings.create(self._code, data, propose=propose)

    def _action(self, data: ActionData) -> ActionInfo:
        self._counts["actions"] += 1
        return self._actions.create(self._code, data, today=self._today)

    def _lesson(self, data: LessonData) -> LessonInfo:
        self._counts["lessons"] += 1
        return self._learning.save_lesson(self._code, data, today=self._today)

    def _schools_by_satisfaction(self) -> list[str]:
        """The schools' names, lowest satisfaction first in the latest quarter reported."""
        values = [v for v in self._package["values"] if v["indicator"] == self._satisfaction]
        latest = max(v["period"] for v in values)
        ratios = sorted(
            (v["numerator"] / v["denominator"], v["site"]) for v in values if v["period"] == latest
        )
        names = {s["code"]: s["name"] for s in self._package["sites"]}
        return [names[site] for _, site in ratios]


def _listed(names: list[str]) -> str:
    """'A, B and C primary schools' from ['A primary school', 'B primary school', 'C primary school']."""
    suffix = " primary school"
    if names and all(n.endswith(suffix) for n in names):
        short = [n.removesuffix(suffix) for n in names]
        return f"{', '.join(short[:-1])} and {short[-1]}{suffix}s" if len(short) > 1 else names[0]
    return ", ".join(names)


def _next_quarter(label: str) -> str:
    """'2026 Q3' after '2026 Q2', '2027 Q1' after '2026 Q4'."""
    year, quarter = int(label[:4]), int(label[-1])
    return f"{year + quarter // 4} Q{quarter % 4 + 1}"
