"""Form fields for scoring with a rubric version, shared by every page that scores."""

from django import forms


def add_rubric_fields(form: forms.Form, criteria, *, comments: bool = False, max_length=2000):
    """One radio group per criterion (`score_<key>`: the arrow keys move along the scale),
    optionally with a comment (`comment_<key>`). Scores are optional here: the service
    that records them says what is missing."""
    for criterion in criteria:
        form.fields[f"score_{criterion.key}"] = forms.TypedChoiceField(
            label=criterion.name,
            choices=[(str(n), str(n)) for n in range(criterion.scale_min, criterion.scale_max + 1)],
            coerce=int,
            required=False,
            empty_value=None,
            widget=forms.RadioSelect,
            help_text=criterion.description,
        )
        if comments:
            form.fields[f"comment_{criterion.key}"] = forms.CharField(
                label=f"Comment on {criterion.name.lower()}",
                required=False,
                max_length=max_length,
                widget=forms.Textarea({"rows": 2}),
            )


def rubric_values(form: forms.Form, criteria) -> dict:
    """The scores given, by criterion key (criteria left blank are left out)."""
    return {
        c.key: form.cleaned_data[f"score_{c.key}"]
        for c in criteria
        if form.cleaned_data.get(f"score_{c.key}") is not None
    }


class RubricForm(forms.Form):
    """A form of one radio group per criterion; subclasses add their own fields."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.criteria = criteria
        add_rubric_fields(self, criteria)

    def rubric_rows(self):
        """The score fields, in criterion order, for the `programs/rubric_scale.html` include."""
        return [self[f"score_{c.key}"] for c in self.criteria]

    def values(self) -> dict:
        return rubric_values(self, self.criteria)
