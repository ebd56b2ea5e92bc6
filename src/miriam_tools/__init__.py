"""Developer tools beside the pipeline, not part of it: demo data generators (demo, demo_wide,
demo_reference), the benchmark, the cohort scaffold and the indicator catalogue page. Run them
with ``python -m miriam_tools.<tool>``; the runtime package ``miriam`` never imports them.
"""
