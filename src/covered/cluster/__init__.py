"""Many sites, one console: site scans cut into chunks, run by site workers over a broker, merged centrally."""
