"""The pages' code, one module a page: imported once per server (see pages/train.py)."""
