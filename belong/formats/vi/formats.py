"""Vietnamese: "5 tháng 1 năm 2027", "5 tháng 1 năm 2027, 15:30".

The one date and time style of the portal for this language (settings.FORMAT_MODULE_PATH): templates use
|date:"DATETIME_FORMAT", "DATE_FORMAT" or "TIME_FORMAT", never a format of their own.
"""

DATE_FORMAT = r"j \t\h\á\n\g n \n\ă\m Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = r"j \t\h\á\n\g n \n\ă\m Y, H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
YEAR_MONTH_FORMAT = r"\t\h\á\n\g n \n\ă\m Y"
MONTH_DAY_FORMAT = r"j \t\h\á\n\g n"
