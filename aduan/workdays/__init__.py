"""The working-day calendar: weekdays minus national holidays, cuti bersama and the
holidays an admin adds for a region. Report deadlines are counted on it."""
