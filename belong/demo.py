"""Demo-data helpers every app's demo uses, and the footer's Spanish (the site settings live in belong)."""

from __future__ import annotations

from .models import SiteSettings

# --- The demo district in Spanish -------------------------------------------------------------------
# Each app's demo.py loads its English texts, then hands a table English → Spanish (its demo_es.py) to
# add_translations, which fills the `<field>_es` columns (django-modeltranslation) left empty, so /es/ pages
# read in Spanish. Lists (a group's goals) are translated line by line.

FOOTER_SPANISH = {
    "non_discrimination_statement": (
        "El distrito no excluye a nadie de ninguna actividad patrocinada por el distrito por motivos de raza, "
        "color, sexo, identidad de género, religión, origen nacional, orientación sexual, discapacidad o edad. "
        "Todos los grupos Belong están abiertos a todo el personal."
    ),
    "contact_name": "Oficina de Equidad, Inclusión y Pertenencia",
}


def add_translations(queryset, fields: list[str], table: dict[str, str], lang: str = "es") -> int:
    """Fill each row's empty `<field>_<lang>` from `table` keyed by its `<field>_<default>` text; rows changed."""
    from django.conf import settings

    default = settings.LANGUAGE_CODE.replace("-", "_")
    lang = lang.replace("-", "_")
    changed = 0
    for row in queryset:
        updates = {}
        for field in fields:
            source, current = getattr(row, f"{field}_{default}"), getattr(row, f"{field}_{lang}")
            if current:
                continue  # never overwrite what an editor typed
            if isinstance(source, list):
                if source and all(line in table for line in source):
                    updates[f"{field}_{lang}"] = [table[line] for line in source]
            elif source in table:
                updates[f"{field}_{lang}"] = table[source]
        if updates:
            # update(), not save(): a demo load is not an editor's change to record in the history.
            type(row)._base_manager.filter(pk=row.pk).update(**updates)
            changed += 1
    return changed


def load(stdout, people) -> None:
    """The site settings' footer in Spanish (belong loads first; the apps' demos use add_translations)."""
    add_footer_translation()


def add_footer_translation() -> None:
    settings_row, _created = SiteSettings.objects.get_or_create(pk=1)  # the row, not the cached copy
    for field, text in FOOTER_SPANISH.items():
        if not getattr(settings_row, f"{field}_es"):
            setattr(settings_row, f"{field}_es", text)
    settings_row.save()  # also forgets the cached copy the footer reads
