"""Template tags for what every page draws the same way."""
from django import template
from django.utils.html import format_html

register = template.Library()


@register.inclusion_tag("newsdiff/_outlet_badge.html")
def outlet_badge(outlets, outlet_id, compact=False):
    """An outlet's badge: its colour and monogram, its full name beside it (or, `compact`, on hover and
    for screen readers only). `outlets` is the page's `OutletLegend`."""
    return {"outlet": outlets.of(outlet_id), "compact": compact}


@register.simple_tag
def outlet_mark(outlet):
    """An outlet's monogram alone, in its colour, its full name on hover (`outlet` a `LegendOutlet`):
    the compact mark claim rows repeat for every outlet that carried a wording."""
    return format_html('<abbr class="om {}" title="{}">{}</abbr>', outlet.colour, outlet.name, outlet.monogram)
