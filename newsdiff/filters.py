"""The researcher's filters on a story: read from the query string, so a filtered view is a URL.

`StoryFilterForm(request.GET, outlets=..., voices=...)` validates the query
string; `.filters()` returns the `Filters` to apply, keeping every valid field
and dropping an invalid one (the form then carries a specific error for it).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django import forms

from .models import AlignedPair

STATUS_CHOICES = [
    ("", "all but rejected"),
    ("all", "all, with rejected"),
    (AlignedPair.Status.PROPOSED, "proposed only"),
    (AlignedPair.Status.CONFIRMED, "confirmed only"),
    (AlignedPair.Status.REJECTED, "rejected only"),
]
COLUMN_CHOICES = [("voice", "one per voice"), ("outlet", "one per outlet")]


@dataclass(frozen=True)
class Filters:
    by: str = "voice"
    outlets: frozenset[int] = field(default_factory=frozenset)  # outlet ids; empty: every outlet
    voices: frozenset[str] = field(default_factory=frozenset)  # voice slugs; empty: every voice
    min_score: float | None = None
    status: str = ""  # "" hides rejected pairs
    q: str = ""

    @property
    def statuses(self) -> list[str]:
        if self.status == "all":
            return list(AlignedPair.Status.values)
        if self.status:
            return [self.status]
        return [s for s in AlignedPair.Status.values if s != AlignedPair.Status.REJECTED]

    @property
    def narrows_passages(self) -> bool:
        return bool(self.outlets or self.voices or self.q)


class StoryFilterForm(forms.Form):
    by = forms.ChoiceField(label="Columns", choices=COLUMN_CHOICES, required=False, widget=forms.RadioSelect)
    outlet = forms.TypedMultipleChoiceField(
        label="Outlets", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    voice = forms.MultipleChoiceField(label="Voices", required=False, widget=forms.CheckboxSelectMultiple)
    min_score = forms.FloatField(
        label="Minimum score", required=False, min_value=0, max_value=5,
        widget=forms.NumberInput(attrs={"step": "0.05", "inputmode": "decimal", "size": 5}),
    )
    status = forms.ChoiceField(label="Pairs", choices=STATUS_CHOICES, required=False)
    q = forms.CharField(
        label="Search passages", required=False, max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "word or phrase"}),
    )

    def __init__(self, data=None, *, outlets: list[tuple[int, str]], voices: list[tuple[str, str]]):
        if data is not None and not data.get("by"):
            data = data.copy()
            data["by"] = "voice"  # so the default column switch shows as chosen
        super().__init__(data)
        self.fields["outlet"].choices = outlets
        self.fields["voice"].choices = voices

    def filters(self) -> Filters:
        self.is_valid()  # fills cleaned_data with the valid fields and errors with the rest
        data = self.cleaned_data
        return Filters(
            by=data.get("by") or "voice",
            outlets=frozenset(data.get("outlet") or ()),
            voices=frozenset(data.get("voice") or ()),
            min_score=data.get("min_score"),
            status=data.get("status") or "",
            q=data.get("q") or "",
        )


class PairTagForm(forms.Form):
    """An editor's in-place decision on one pair, seen from one of its passages.

    `undo` takes the decision back (`editing.untag_pairs`); otherwise `changes()` are the status and
    relation given, and the note when the form sent one (an empty note clears it).
    """

    status = forms.ChoiceField(choices=[("", "")] + AlignedPair.Status.choices, required=False)
    relation = forms.ChoiceField(choices=[("", "")] + AlignedPair.Relation.choices, required=False)
    note = forms.CharField(required=False, max_length=2000, strip=True)
    undo = forms.BooleanField(required=False)
    viewed_from = forms.IntegerField()

    def changes(self) -> dict[str, str]:
        changes = {name: self.cleaned_data[name] for name in ("status", "relation") if self.cleaned_data.get(name)}
        if "note" in self.data:
            changes["note"] = self.cleaned_data["note"]
        return changes
