"""The union tree.

Subtree queries go through ``UnitClosure``: one row for every (ancestor, descendant) pair,
the unit itself included at depth 0. A subtree is an indexed range on ``ancestor_id``, a path
to the root an indexed range on ``descendant_id``; both are plain integer joins that behave
the same on SQLite and PostgreSQL. The closure is written only by the services in
``lantoa.units.services`` (create, move, merge, import, seed), never by ``save()``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lantoa.core.fields import when_created, when_updated, who
from lantoa.core.jobs import RequestedJob
from lantoa.core.private_files import RandomName, private_storage
from lantoa.core.text import fold


class UnitKind(models.TextChoices):
    NATIONAL = "national", _("Tổng Liên đoàn")
    PROVINCE = "province", _("LĐLĐ tỉnh, thành phố")
    SECTOR = "sector", _("Công đoàn ngành")
    INDUSTRIAL_ZONE = "industrial_zone", _("Công đoàn khu công nghiệp")
    COMMUNE = "commune", _("Công đoàn xã, phường")
    OTHER_UPPER = "other_upper", _("Công đoàn cấp trên khác")
    GRASSROOTS = "grassroots", _("Công đoàn cơ sở")


UPPER_LEVEL_KINDS = (
    UnitKind.SECTOR,
    UnitKind.INDUSTRIAL_ZONE,
    UnitKind.COMMUNE,
    UnitKind.OTHER_UPPER,
)

# Where each kind of unit may stand: the kinds an active unit of a kind may hold directly
# (``None``: the top of the tree, which holds only the national federation). The four levels of
# the tree the product is built on (seed, targets' levels, dashboards): the national federation;
# provincial federations directly under it; under a province its upper-level unions (công đoàn
# cấp trên trực tiếp cơ sở) and the grassroots unions it manages itself; grassroots unions
# under an upper-level union; nothing under a grassroots union. This table is the one rule for
# creating, re-kinding, moving and importing units (``lantoa.units.services.check_placement``);
# merged and dissolved units are outside it, since an ended unit stands under its successor
# whatever the kinds (``unit_merge``).
CHILD_KINDS: dict[str | None, tuple[UnitKind, ...]] = {
    None: (UnitKind.NATIONAL,),
    UnitKind.NATIONAL: (UnitKind.PROVINCE,),
    UnitKind.PROVINCE: (*UPPER_LEVEL_KINDS, UnitKind.GRASSROOTS),
    **{kind: (UnitKind.GRASSROOTS,) for kind in UPPER_LEVEL_KINDS},
    UnitKind.GRASSROOTS: (),
}


def kinds_under(parent_kind: str | None) -> tuple[UnitKind, ...]:
    """The kinds an active unit may have directly under a unit of ``parent_kind`` (``None``:
    with no parent at all)."""
    return CHILD_KINDS.get(parent_kind, ())


def kinds_above(kind: str) -> list[str]:
    """The kinds of unit that may hold an active unit of ``kind`` directly."""
    return [parent for parent, kinds in CHILD_KINDS.items() if parent and kind in kinds]


# The root of the tree: a fresh install has it from its first migration (units 0007), so
# imports, the demo and the seed hang their units under it; ``unit_root_ensure`` reuses it.
ROOT_CODE = "VN"
ROOT_NAME = "Tổng Liên đoàn Lao động Việt Nam"
ROOT_SHORT_NAME = "Tổng LĐLĐVN"


class UnitStatus(models.TextChoices):
    ACTIVE = "active", _("Đang hoạt động")
    MERGED = "merged", _("Đã hợp nhất")
    DISSOLVED = "dissolved", _("Đã giải thể")


class Unit(models.Model):
    code = models.CharField(_("mã đơn vị"), max_length=32, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    kind = models.CharField(_("loại đơn vị"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    depth = models.PositiveSmallIntegerField(_("cấp"), default=0, editable=False)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=UnitStatus.choices, default=UnitStatus.ACTIVE
    )
    member_count = models.PositiveIntegerField(_("số đoàn viên"), default=0)
    worker_count = models.PositiveIntegerField(_("số người lao động"), default=0)
    # Workplace, for grassroots units.
    employer_name = models.CharField(_("tên doanh nghiệp, cơ quan"), max_length=255, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    industrial_zone = models.CharField(_("khu công nghiệp"), max_length=255, blank=True)
    sector = models.CharField(_("ngành nghề"), max_length=255, blank=True)
    # Where a merged or dissolved unit went: reports on the successor include its subtree.
    successor = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị kế thừa"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    ended_on = models.DateField(_("ngày hợp nhất/giải thể"), null=True, blank=True)
    # " " + fold(code, name, short name, employer): diacritic-free text for search.
    search_text = models.TextField(editable=False, default="")
    created_at = when_created()
    updated_at = when_updated()

    class Meta:
        verbose_name = _("đơn vị công đoàn")
        verbose_name_plural = _("đơn vị công đoàn")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["parent", "status"]),
            models.Index(fields=["kind", "status"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == UnitStatus.ACTIVE

    @property
    def is_grassroots(self) -> bool:
        return self.kind == UnitKind.GRASSROOTS

    def refresh_search_text(self) -> None:
        # The leading space lets a search match word starts: " dong" but not "lao dong a…".
        self.search_text = " " + fold(
            " ".join([self.code, self.name, self.short_name, self.employer_name])
        )


class UnitClosure(models.Model):
    # No index per foreign key: unit_closure_pair starts with ancestor_id and unit_closure_up
    # with descendant_id, so they serve those lookups (and the databases' foreign-key checks).
    ancestor = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="descendant_links", db_index=False
    )
    descendant = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="ancestor_links", db_index=False
    )
    depth = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ancestor", "descendant"], name="unit_closure_pair"),
        ]
        indexes = [models.Index(fields=["descendant", "depth"], name="unit_closure_up")]

    def __str__(self) -> str:
        return f"{self.ancestor_id} → {self.descendant_id} ({self.depth})"


class UnitEventKind(models.TextChoices):
    MOVED = "moved", _("Chuyển đơn vị cấp trên")
    MERGED = "merged", _("Hợp nhất")
    DISSOLVED = "dissolved", _("Giải thể")


class UnitEvent(models.Model):
    """History of the tree: moves and merges, so that old structures can be reconstructed."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=UnitEventKind.choices)
    occurred_on = models.DateField()
    old_parent = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    new_parent = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    successor = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    actor = who()
    created_at = when_created()

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("lịch sử đơn vị")
        verbose_name_plural = _("lịch sử đơn vị")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit_id} {self.occurred_on:%d/%m/%Y}"


class UnitImportJob(RequestedJob):
    """One upload of a unit list, worked through by ``lantoa.units.tasks.import_units_task``.

    Progress counters are updated while the worker runs so the job page can show a bar. A
    durable job (``lantoa.core.jobs``): one whose worker died is run again (the import itself
    is one transaction, so nothing half-written remains).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ")
        VALIDATING = "validating", _("Đang kiểm tra")
        FAILED = "failed", _("Có lỗi, chưa nhập")
        IMPORTING = "importing", _("Đang ghi dữ liệu")
        DONE = "done", _("Đã nhập xong")

    # Private storage, random name; ``original_name`` is shown and used as the download name.
    file = models.FileField(_("tệp"), storage=private_storage, upload_to=RandomName("imports"))
    original_name = models.CharField(_("tên tệp"), max_length=255)
    update_existing = models.BooleanField(_("cập nhật đơn vị đã có"), default=False)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_validated = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    # {"created": n, "updated": n, "moved": n, "unchanged": n, "root_code": "…"}
    summary = models.JSONField(default=dict, blank=True)
    # [{"row": 7, "field": "parent_code", "label": "…", "message": "…"}, …], capped.
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="unit_import_jobs"
    )
    # The language of the officer who uploaded it, the only one who sees the job: its row
    # errors are written in it.
    language = models.CharField(max_length=8, blank=True)

    class Meta(RequestedJob.Meta):
        verbose_name = _("lượt nhập đơn vị")
        verbose_name_plural = _("lượt nhập đơn vị")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"
