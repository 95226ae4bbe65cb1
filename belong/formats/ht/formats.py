"""Haitian Creole: "5 janvye 2027", "5 janvye 2027, 15:30" (month names from our own catalog: Django has no ht).

The one date and time style of the portal for this language (settings.FORMAT_MODULE_PATH): templates use
|date:"DATETIME_FORMAT", "DATE_FORMAT" or "TIME_FORMAT", never a format of their own.
"""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
