"""Catalogue API serializers (read-only reference data, both languages)."""

from rest_framework import serializers

from ..models import Control, LevelVariant


class LevelVariantSerializer(serializers.ModelSerializer):
    class Meta:
        model = LevelVariant
        fields = ["key", "level", "text_ja", "text_en", "provenance"]
        read_only_fields = fields


class ControlSerializer(serializers.ModelSerializer):
    attributes = serializers.SerializerMethodField()

    class Meta:
        model = Control
        fields = [
            "ref",
            "theme",
            "title_ja",
            "title_en",
            "new_in_2022",
            "maps_from_2013",
            "attributes",
        ]
        read_only_fields = fields

    def get_attributes(self, control) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for value in control.attribute_values.all():
            out.setdefault(value.attribute, []).append(value.value)
        return out


class ControlDetailSerializer(ControlSerializer):
    variants = LevelVariantSerializer(many=True, read_only=True)
    recommended_level = serializers.SerializerMethodField()

    class Meta(ControlSerializer.Meta):
        fields = [
            *ControlSerializer.Meta.fields,
            "provenance",
            "summary_ja",
            "summary_en",
            "goal_ja",
            "goal_en",
            "measures",
            "information_examples",
            "notes",
            "main_actors_ja",
            "main_actors_en",
            "level_titles",
            "variants",
            "procedure_name_ja",
            "procedure_name_en",
            "procedure_requirement_ja",
            "procedure_requirement_en",
            "procedure_provenance",
            "recommended_level",
        ]
        read_only_fields = fields

    def get_recommended_level(self, control) -> dict:
        from ..recommend import profile_of, recommend

        rec = recommend(control, profile_of(self.context["organisation"]))
        return {
            "level": rec.level,
            "reasons": [{"text": text, "provenance": prov} for text, prov in rec.explained],
        }
