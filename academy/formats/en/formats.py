# English dates and times as US calendars and the rest of the interface write them: "7:00 PM"
# rather than Django's "7 p.m.". Spanish keeps Django's own formats ("19:00").
TIME_FORMAT = "g:i A"
DATETIME_FORMAT = "M j, Y, g:i A"
SHORT_DATETIME_FORMAT = "M j, g:i A"
