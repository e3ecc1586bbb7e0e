"""The site's date formats (settings.FORMAT_MODULE_PATH): one way of writing a date
in each language, on every page, e-mail and SMS. Django's own Indonesian formats
abbreviate months with a full stop ("10 Des. 2026") where the pages wrote "10 Des
2026"; these name the formats the site uses, and code and templates ask for them by
name (``DATE_FORMAT``, ``SHORT_DATE_FORMAT`` …) or write the same letters."""
