"""The fixed words of the file format that the command line offers as choices (levels, kinds of payment, of
collection step, of service item). Kept apart from `holp.model` so that the command line can name them without
importing the model at start-up; the records declare their fields with these same tuples."""

LEVELS = ("high", "medium", "low")
PAYMENT_KINDS = ("advance", "progress", "delivery", "acceptance", "retention")
ACTION_KINDS = ("call", "letter", "visit", "legal")  # the escalation of the regime: 电话, 发函, 上门, 法律诉讼
SERVICE_KINDS = ("complaint", "feedback", "warranty", "revisit", "training")
