"""Visual ML: the local scikit-learn trainer (train.py) and the portable model export (portable.py)."""
