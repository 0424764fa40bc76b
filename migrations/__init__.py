"""peewee-migrate files (`NNN_name.py`), shipped inside the package so an installed
bot finds them. Create a new one with `carpool-bot makemigration NAME`, never by
hand-editing an applied one."""
