"""The model: every record holp reads, declared once, read one way.

`holp.model.records` declares customers, projects and what they hold
(contacts, visits, payments, risks, competitors, the assessment, a lost
deal; `holp.model.activity` the tasks, expenses and approvals around them,
on `holp.model.base`'s schemas) as frozen dataclasses whose fields carry how they are read and their
JSON Schema; `holp.model.process` holds holp.yaml and team.yaml;
`holp.model.views` the compact rows reports and history keep by the ten
thousand, derived from the records; `holp.model.schema` the JSON Schemas;
`holp.model.coerce` the one way a value is read as a type. Nothing outside
this package reads the values of a file (`holp.yaml.Document.tree`).
"""

from holp.model.activity import Approval, Expense, Task
from holp.model.coerce import date as as_date
from holp.model.coerce import decimal as as_decimal
from holp.model.coerce import decimal_text
from holp.model.fields import plain
from holp.model.process import (
    LANGUAGES,
    ApprovalRule,
    ChecklistItem,
    Choice,
    CreditTerm,
    CriteriaGroup,
    Kpi,
    Label,
    PeriodAmount,
    Process,
    Region,
    Rep,
    Stage,
    Target,
    Team,
    build_process,
    build_team,
    choices,
    label,
)
from holp.model.records import (
    LOST,
    Assessment,
    Case,
    CollectionAction,
    Competitor,
    Contact,
    ContactChange,
    Customer,
    Findings,
    Lost,
    Payment,
    Project,
    ProjectSummary,
    Receipt,
    Risk,
    ServiceItem,
    Visit,
    Warranty,
    customer_from,
    project_from,
)
from holp.model.views import Account, Deal, Summary

__all__ = [
    "LANGUAGES", "LOST", "Account", "Approval", "ApprovalRule", "Assessment", "Case", "ChecklistItem", "Choice",
    "CollectionAction", "Competitor", "Contact", "ContactChange", "CreditTerm", "CriteriaGroup", "Customer", "Deal",
    "Expense", "Findings", "Kpi", "Label", "Lost", "Payment", "PeriodAmount", "Process", "Project", "ProjectSummary",
    "Receipt", "Region", "Rep", "Risk", "ServiceItem", "Stage", "Summary", "Target", "Task", "Team", "Visit",
    "Warranty", "as_date", "as_decimal", "build_process", "build_team", "choices", "customer_from", "decimal_text",
    "label", "plain", "project_from",
]
