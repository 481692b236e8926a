"""The signing service's writes and checks in one place, for the apps that use it and for
the views: `from signing import services as signing`.

The code lives by concern: tokens and codes (signing.tokens), what a link may do
(signing.state), sending (signing.sending), the signer's steps (signing.steps), the leader's
follow-up (signing.followup), reminders (signing.reminders).
"""

from signing.followup import (
    REMIND_COOLDOWN,
    request_paper,
    request_reissue,
    request_remind,
    request_revoke,
    round_extend,
    round_void,
)
from signing.reminders import DEADLINE_WARNING, FIRST_REMINDER, NEXT_REMINDER, send_reminders
from signing.sending import (
    MAX_DEADLINE,
    ORDER_CUSTOM,
    ORDER_PARALLEL,
    ORDER_PENVOERDER_LAST,
    Signer,
    document_create,
    round_send,
    signers_of,
)
from signing.signer_checks import (
    CHECKED_SEPARATOR,
    MAX_SIGNATURE_IMAGE,
    PNG_PREFIX,
    clean_signature_image,
    clean_typed_name,
    co_signers,
    name_matches,
    statement_for,
)
from signing.state import REFUSALS, Client, is_superseded, refusal, refusal_message
from signing.steps import (
    CODE_MAX_TRIES,
    CODE_TTL,
    CODES_PER_HOUR,
    VERIFIED_TTL,
    code_send,
    code_verify,
    request_decline,
    request_open,
    request_redirect,
    request_sign,
)
from signing.tokens import code_hash, request_for_token, token_for, token_hash

__all__ = [
    "CHECKED_SEPARATOR",
    "CODE_MAX_TRIES",
    "CODE_TTL",
    "CODES_PER_HOUR",
    "DEADLINE_WARNING",
    "FIRST_REMINDER",
    "MAX_DEADLINE",
    "MAX_SIGNATURE_IMAGE",
    "NEXT_REMINDER",
    "ORDER_CUSTOM",
    "ORDER_PARALLEL",
    "ORDER_PENVOERDER_LAST",
    "PNG_PREFIX",
    "REFUSALS",
    "REMIND_COOLDOWN",
    "VERIFIED_TTL",
    "Client",
    "Signer",
    "clean_signature_image",
    "clean_typed_name",
    "code_hash",
    "code_send",
    "code_verify",
    "co_signers",
    "document_create",
    "is_superseded",
    "name_matches",
    "refusal",
    "refusal_message",
    "request_decline",
    "request_for_token",
    "request_open",
    "request_paper",
    "request_redirect",
    "request_reissue",
    "request_remind",
    "request_revoke",
    "request_sign",
    "round_extend",
    "round_send",
    "round_void",
    "send_reminders",
    "signers_of",
    "statement_for",
    "token_for",
    "token_hash",
]
