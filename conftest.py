import os

os.environ.setdefault("LANTOA_ALLOW_INSECURE_KEY", "1")
os.environ.setdefault("LANTOA_TESTING", "1")
os.environ.setdefault("LANTOA_TASKS_EAGER", "1")
