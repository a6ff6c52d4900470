"""What surveys adds to the lower apps' screens and processes (lantoa.core.extensions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lantoa.core.extensions import DemoBuilder, DemoContext, WorkLink, demo_builders, work_links

work_links.register(
    WorkLink(
        key="surveys.unit",
        label=_("Khảo sát xã hội"),
        description=_("Phiếu khảo sát, chỉ tiêu thu phiếu, nhập phiếu giấy và kết quả"),
        url_name="surveys:unit",
        visible=lambda held, unit: "survey.view" in held,
        order=65,
    )
)


def _demo_surveys(ctx: DemoContext) -> None:
    from lantoa.surveys.demo import ensure_demo_surveys

    ensure_demo_surveys(ctx.as_of)


demo_builders.register(DemoBuilder(key="surveys", build=_demo_surveys, order=65))
