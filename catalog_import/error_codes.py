from enum import Enum


class ImportErrorCode(Enum):
    UNUSABLE_INPUT = "unusable_input"
    KIND_CONFLICT = "kind_conflict"
    UNDO_BLOCKED = "undo_blocked"
    ALREADY_RESOLVED = "already_resolved"
    NOT_APPLIED = "not_applied"
    NOT_A_CANDIDATE = "not_a_candidate"
