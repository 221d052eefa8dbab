"""What an organization reports upwards: indicators, monitoring before and after, charts.

Services here know nothing of Telegram; the handlers and the workbook export render them.
"""
