# SPDX-License-Identifier: GPL-3.0-or-later
"""What a package's meetings, actions, lessons and feedback mean, checked before anything is
written: the references between them, codes that exist, and the rules of the meeting, action and
learning services (pmdesk.domain.meetings, .actions, .learning), called here, not copied."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from pmdesk.domain import actions as action_rules
from pmdesk.domain.errors import Problem
from pmdesk.domain.learning import FeedbackStatus, feedback_problems, lesson_problems, parse_tags
from pmdesk.domain.meetings import AgendaKind, MeetingStatus, amendment_problem, meeting_problems
from pmdesk.formats.package_schema import parse_stamp
from pmdesk.formats.problems import ProblemList

#: The sections this module checks, in the order they are written.
LOOP_KINDS = ("meetings", "actions", "lessons", "feedback")


class LoopChecker:
    """Checks the closed-loop sections of a package whose shape passed the schema."""

    def __init__(self, data: Mapping[str, Any], problems: ProblemList, today: date | None = None) -> None:
        self.data = data
        self.problems = problems
        self.today = today or date.today()
        self.indicators = {i["code"] for i in data.get("indicators", [])}
        self.people = {p["code"] for p in data.get("people", [])}
        self._uuids: dict[str, str] = {}  # UUID (lower case) → the path that first gave it
        self.meetings: set[str] = set()
        self.decisions: set[str] = set()
        self.lessons: set[str] = set()
        self.actions: set[str] = set()

    def add(self, path: str, message: str) -> None:
        self.problems.add(Problem(path, message))

    def run(self) -> None:
        for i, meeting in enumerate(self.data.get("meetings", [])):
            self._meeting(meeting, f"$.meetings[{i}]")
        lessons = self.data.get("lessons", [])
        for lesson in lessons:
            # Actions may come from lessons and lessons link to actions: both are known first.
            if lesson.get("uuid"):
                self.lessons.add(lesson["uuid"].lower())
        for i, action in enumerate(self.data.get("actions", [])):
            self._action(action, f"$.actions[{i}]")
        for i, lesson in enumerate(lessons):
            self._lesson(lesson, f"$.lessons[{i}]")
        for i, item in enumerate(self.data.get("feedback", [])):
            self._feedback(item, f"$.feedback[{i}]")

    # -- one record at a time ---------------------------------------------------------------

    def _meeting(self, meeting: Mapping[str, Any], path: str) -> None:
        self._record(meeting, path)
        if meeting.get("uuid"):
            self.meetings.add(meeting["uuid"].lower())
        self._rule_problems(path, meeting_problems(meeting["kind"], meeting["title"]))
        status = meeting.get("status", MeetingStatus.DRAFT.value)
        if status not in {s.value for s in MeetingStatus}:
            self.add(f"{path}.status", f"'{status}' is not a meeting status (draft or final)")
        self._date(meeting["held_on"], f"{path}.held_on")
        self._stamp(meeting.get("finalised_at"), f"{path}.finalised_at")
        names: dict[str, int] = {}
        for j, attendee in enumerate(meeting.get("attendees", [])):
            where = f"{path}.attendees[{j}]"
            self._record(attendee, where)
            name = attendee["name"]
            if not name.strip():
                self.add(f"{where}.name", "must not be blank")
            elif name in names:
                self.add(f"{where}.name", f"'{name}' is already listed at attendees[{names[name]}]")
            names.setdefault(name, j)
            self._person(attendee.get("person"), f"{where}.person")
        items: set[str] = set()
        for j, item in enumerate(meeting.get("agenda", [])):
            where = f"{path}.agenda[{j}]"
            self._record(item, where)
            if item.get("uuid"):
                items.add(item["uuid"].lower())
            kind = item.get("kind", AgendaKind.OTHER.value)
            if kind not in {k.value for k in AgendaKind}:
                kinds = ", ".join(k.value for k in AgendaKind)
                self.add(f"{where}.kind", f"'{kind}' is not a kind of agenda item ({kinds})")
            self._indicator(item.get("indicator"), f"{where}.indicator")
        for j, decision in enumerate(meeting.get("decisions", [])):
            where = f"{path}.decisions[{j}]"
            self._record(decision, where)
            if decision.get("uuid"):
                self.decisions.add(decision["uuid"].lower())
            item_uuid = decision.get("agenda_item")
            if item_uuid is not None and item_uuid.lower() not in items:
                self.add(f"{where}.agenda_item", f"this meeting has no agenda item {item_uuid}")
            self._stamp(decision.get("recorded_at"), f"{where}.recorded_at")
        for j, amendment in enumerate(meeting.get("amendments", [])):
            where = f"{path}.amendments[{j}]"
            self._record(amendment, where)
            if (why := amendment_problem(status)) is not None:
                self.add(where, why)
            if not amendment["text"].strip():
                self.add(f"{where}.text", "must not be blank")
            self._stamp(amendment.get("amended_at"), f"{where}.amended_at")

    def _action(self, action: Mapping[str, Any], path: str) -> None:
        self._record(action, path)
        code = action["code"]
        if code in self.actions:
            self.add(f"{path}.code", f"action code '{code}' is used twice")
        self.actions.add(code)
        due = self._date(action.get("due"), f"{path}.due")
        self._rule_problems(path, action_rules.title_problems(action["title"]))
        if due is not None:
            self._rule_problems(path, action_rules.due_problems(due, self.today))
        try:
            action_rules.parse_priority(action.get("priority", "medium"))
        except ValueError as error:
            self.add(f"{path}.priority", str(error))
        status = self._status(action.get("status", "open"), f"{path}.status")
        if status is not None:
            why = action_rules.closing_problem(status, action.get("closing_note", ""))
            if why is not None:
                self.add(f"{path}.closing_note", why)
        self._person(action.get("owner_person"), f"{path}.owner_person")
        decision, lesson = action.get("decision"), action.get("lesson")
        if decision is not None and lesson is not None:
            self.add(path, "an action comes from one decision or lesson at most: give one of them")
        if decision is not None and decision.lower() not in self.decisions:
            self.add(f"{path}.decision", f"there is no decision {decision} in the package's meetings")
        if lesson is not None and lesson.lower() not in self.lessons:
            self.add(f"{path}.lesson", f"there is no lesson {lesson} in the package")
        self._codes(action.get("indicators", []), f"{path}.indicators", self.indicators, "indicator")
        for stamp in ("created_at", "closed_at"):
            self._stamp(action.get(stamp), f"{path}.{stamp}")
        for j, update in enumerate(action.get("updates", [])):
            where = f"{path}.updates[{j}]"
            self._record(update, where)
            self._date(update["on"], f"{where}.on")
            if (why := action_rules.update_note_problem(update["note"])) is not None:
                self.add(f"{where}.note", why)
            if update.get("status"):
                self._status(update["status"], f"{where}.status")
            self._stamp(update.get("recorded_at"), f"{where}.recorded_at")

    def _lesson(self, lesson: Mapping[str, Any], path: str) -> None:
        self._record(lesson, path)
        recorded_on = self._date(lesson["recorded_on"], f"{path}.recorded_on")
        self._rule_problems(path, lesson_problems(lesson["title"], lesson["lesson"], recorded_on, self.today))
        tags = lesson.get("tags", [])
        if parse_tags(", ".join(tags)) != tuple(tags):
            self.add(f"{path}.tags", "each tag once (in any case), trimmed, and without a comma")
        self._meeting_ref(lesson.get("meeting"), f"{path}.meeting")
        self._links(lesson, path)

    def _feedback(self, item: Mapping[str, Any], path: str) -> None:
        self._record(item, path)
        received_on = self._date(item["received_on"], f"{path}.received_on")
        self._date(item.get("closed_on"), f"{path}.closed_on")
        status_text = item.get("status", FeedbackStatus.OPEN.value)
        try:
            status = FeedbackStatus(status_text)
        except ValueError:
            names = ", ".join(s.value for s in FeedbackStatus)
            self.add(f"{path}.status", f"'{status_text}' is not a feedback status ({names})")
            status = FeedbackStatus.OPEN
        self._rule_problems(
            path,
            feedback_problems(
                item["source"], item["summary"], item.get("response", ""), status, received_on, self.today
            ),
        )
        self._meeting_ref(item.get("meeting"), f"{path}.meeting")
        self._links(item, path)

    # -- helpers ----------------------------------------------------------------------------

    def _record(self, item: Mapping[str, Any], path: str) -> None:
        """A record's UUID is unique in the package; its modification stamp is a time."""
        uuid = item.get("uuid")
        if uuid is not None:
            first = self._uuids.setdefault(uuid.lower(), path)
            if first != path:
                self.add(f"{path}.uuid", f"UUID {uuid} is already used by {first}")
        self._stamp(item.get("modified_at"), f"{path}.modified_at")

    def _rule_problems(self, path: str, problems: Iterable[Problem]) -> None:
        # The domain's rules name the field they judge; in a package it is the key of that name.
        for problem in problems:
            self.add(f"{path}.{problem.field}" if problem.field else path, problem.message)

    def _status(self, text: str, path: str) -> action_rules.ActionStatus | None:
        try:
            status = action_rules.parse_status(text)
        except ValueError as error:
            self.add(path, str(error))
            return None
        if status.value != text:
            self.add(path, f"write the status as '{status.value}'")
        return status

    def _date(self, text: str | None, path: str) -> date | None:
        if text is None:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError as exc:
            self.add(path, f"'{text}' is not a date: {exc}")
            return None

    def _stamp(self, text: str | None, path: str) -> None:
        if text is None:
            return
        try:
            parse_stamp(text)
        except ValueError as exc:
            self.add(path, f"'{text}' is not a date and time: {exc}")

    def _person(self, code: str | None, path: str) -> None:
        if code is not None and code not in self.people:
            self.add(path, f"there is no person '{code}'")

    def _indicator(self, code: str | None, path: str) -> None:
        if code is not None and code not in self.indicators:
            self.add(path, f"there is no indicator '{code}'")

    def _meeting_ref(self, uuid: str | None, path: str) -> None:
        if uuid is not None and uuid.lower() not in self.meetings:
            self.add(path, f"there is no meeting {uuid} in the package")

    def _links(self, item: Mapping[str, Any], path: str) -> None:
        self._codes(item.get("indicators", []), f"{path}.indicators", self.indicators, "indicator")
        self._codes(item.get("actions", []), f"{path}.actions", self.actions, "action")

    def _codes(self, codes: Sequence[str], path: str, known: set[str], word: str) -> None:
        seen: set[str] = set()
        for j, code in enumerate(codes):
            if code not in known:
                self.add(f"{path}[{j}]", f"there is no {word} '{code}'")
            elif code in seen:
                self.add(f"{path}[{j}]", f"{word} '{code}' is listed twice")
            seen.add(code)
