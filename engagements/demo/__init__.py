"""Demo data of the engagements app (called by qualipref.demo.load_demo)."""
