"""What kb adds to the lower apps' screens and processes (lantoa.core.extensions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lantoa.core.extensions import (
    BeatEntry,
    DemoBuilder,
    DemoContext,
    HealthCheck,
    PublicLink,
    WorkLink,
    beat_schedule,
    demo_builders,
    health_checks,
    public_links,
    work_links,
)

work_links.register(
    WorkLink(
        key="kb",
        label=_("Tri thức pháp luật"),
        description=_("Bài hỏi đáp pháp luật lao động, công đoàn"),
        url_name="kb:list",
        visible=lambda held, unit: "unit.view" in held,
        order=100,
        unit_arg=False,  # one knowledge base for everyone
    )
)
work_links.register(
    WorkLink(
        key="kb.review",
        label=_("Rà soát hỏi đáp pháp luật"),
        description=_("Bài cần rà soát do văn bản pháp luật thay đổi hoặc đã quá hạn rà soát"),
        url_name="kb:review_queue_unit",
        visible=lambda held, unit: "kb.manage" in held,
        order=101,
    )
)


def _shipped_articles(ctx: DemoContext) -> None:
    """The register of legal documents and the legal Q&A articles that ship with Lan Tỏa,
    once, published."""
    from lantoa.kb.importing import ensure_shipped_articles

    result = ensure_shipped_articles()
    if result is not None and result.ok:
        ctx.out("Bài hỏi đáp pháp luật: " + result.summary_text())
    elif result is not None:
        ctx.warn("Không nạp được bài hỏi đáp: " + "; ".join(map(str, result.errors)))


demo_builders.register(DemoBuilder(key="kb", build=_shipped_articles, order=10))

# The header of every public page (templates/public_base.html).
public_links.register(
    PublicLink(key="kb.public", label=_("Hỏi đáp pháp luật"), url_name="kb_public:list", order=20)
)


# Articles saved while the broker or the model was down, or all of them after an upgrade.
beat_schedule.register(BeatEntry(key="kb-embed-stale", task="kb.embed_stale", schedule=300.0))


def _check_semantic_search() -> dict[str, object]:
    """Whether search uses meaning as well as words here, and how many articles still wait
    for their vector."""
    from lantoa.core import embedding
    from lantoa.kb.semantic import stale_articles

    result = embedding.status()
    if embedding.enabled():
        result["waiting"] = stale_articles().count()
    return result


health_checks.register(HealthCheck(key="semantic_search", run=_check_semantic_search, order=60))
