"""The domain's types: plain dataclasses and enums, one module per aggregate.

No SQL, no aiogram and nothing from storage/ here: the repositories return these, the
services decide with them, the handlers render them."""
