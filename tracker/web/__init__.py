"""The web face (`tracker serve`): Flask routes that parse a form, call a service, render.

Imported only by `tracker serve` and its tests: no other command loads Flask.
"""
