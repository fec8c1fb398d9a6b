from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "projects.screening"
    label = "screening"
    verbose_name = "申报审查与科研诚信"

    def ready(self) -> None:
        # The duplicate check's ``name__trigram_similar`` (pg_trgm's % operator, which the GIN
        # indexes serve) without installing all of django.contrib.postgres; used on PostgreSQL only.
        from django.contrib.postgres.lookups import TrigramSimilar
        from django.db.models import CharField, TextField

        CharField.register_lookup(TrigramSimilar)
        TextField.register_lookup(TrigramSimilar)
