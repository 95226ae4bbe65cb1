"""Simplified Chinese: "2027年1月5日", "2027年1月5日 15:30".

The one date and time style of the portal for this language (settings.FORMAT_MODULE_PATH): templates use
|date:"DATETIME_FORMAT", "DATE_FORMAT" or "TIME_FORMAT", never a format of their own.
"""

DATE_FORMAT = "Y年n月j日"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y年n月j日 H:i"
SHORT_DATE_FORMAT = "Y/m/d"
SHORT_DATETIME_FORMAT = "Y/m/d H:i"
YEAR_MONTH_FORMAT = "Y年n月"
MONTH_DAY_FORMAT = "n月j日"
