"""US English: "January 5, 2027", "Tuesday, January 5, 2027, 3:30 PM".

The one date and time style of the portal for this language (settings.FORMAT_MODULE_PATH): templates use
|date:"DATETIME_FORMAT", "DATE_FORMAT" or "TIME_FORMAT", never a format of their own.
"""

DATE_FORMAT = "F j, Y"
TIME_FORMAT = "g:i A"
DATETIME_FORMAT = "l, F j, Y, g:i A"
SHORT_DATE_FORMAT = "m/d/Y"
SHORT_DATETIME_FORMAT = "m/d/Y g:i A"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "F j"
