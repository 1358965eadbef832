"""The fixed words of the file format that the command line offers as choices (levels, kinds of payment, of
collection step, of service item). Kept apart from `holp.model` so that the command line can name them without
importing the model at start-up; the records declare their fields with these same tuples."""

LEVELS = ("high", "medium", "low")
PAYMENT_KINDS = ("advance", "progress", "delivery", "acceptance", "retention")
ACTION_KINDS = ("call", "letter", "visit", "legal")  # the escalation of the regime: 电话, 发函, 上门, 法律诉讼
SERVICE_KINDS = ("complaint", "feedback", "warranty", "revisit", "training")
EXPENSE_KINDS = ("travel", "hospitality", "gift", "sample", "survey", "bid", "other")  # 差旅, 招待, 礼品, 样品, 勘察, 投标
VERDICTS = ("approved", "rejected", "revise")  # an approval's verdict: 通过, 驳回, 修改后再审
CLASSES = ("A", "B", "C")  # a customer's class (A 类客户: called on first)
SELLING_ROLES = ("rep", "manager", "director")  # who carries a target and is ranked
TEAM_ROLES = (*SELLING_ROLES, "engineer", "presales", "executive")  # who may visit, hold tasks, approve
KPI_KINDS = ("won", "profit", "growth", "new_customers", "visits", "satisfaction", "completeness")
