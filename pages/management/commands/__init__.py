"""create_clinic, seed_demo, purge_messages and patient_data; bad input prints what is wrong and exits non-zero."""
