"""Results written for people and programs: tables, JSON, CSV, HTML reports and exports."""
