"""What a user may do with one object, as the API's ``abilities`` field and the templates' buttons.

Each subject module of ``accounts.access`` registers the rule of its models with ``@abilities_of``.
"""

_RULES = {}


def abilities_of(model_label):
    """Register ``rule(user, obj) -> dict`` for the model ``"app_label.ModelName"``."""

    def register(rule):
        _RULES[model_label] = rule
        return rule

    return register


def abilities(user, obj):
    """What the user may do with an object, as the API's ``abilities`` field."""
    meta = getattr(obj, "_meta", None)
    rule = _RULES.get(meta.label) if meta else None
    if rule is None:
        raise TypeError(f"Pas de règle d'accès pour {type(obj).__name__}")
    return rule(user, obj)
