"""Template tags for what every page draws the same way."""
from django import template

register = template.Library()


@register.inclusion_tag("newsdiff/_outlet_badge.html")
def outlet_badge(outlets, outlet_id, compact=False):
    """An outlet's badge: its colour and monogram, its full name beside it (or, `compact`, on hover and
    for screen readers only). `outlets` is the page's `OutletLegend`."""
    return {"outlet": outlets.of(outlet_id), "compact": compact}
