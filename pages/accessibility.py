"""Accessibility statement: how accessible the dashboard is, known problems, and how to report one.

Thin page: the text comes from cohesion.accessibility (GOV.UK model statement); the contact from
the catalogue's `accessibility:` block. When no contact is set, the page says so plainly.
"""

from __future__ import annotations

import streamlit as st

from cohesion import ui
from cohesion.accessibility import contact, statement
from cohesion.status.view import md_escape

ui.through_entry_point()

catalogue = ui.require_catalogue()
st.title(f"Accessibility statement for the {catalogue.place.name} community cohesion dashboard")
missing = contact(catalogue).missing
for section in statement(catalogue):
    st.header(md_escape(section.heading))
    for paragraph in section.paragraphs:
        st.markdown(md_escape(paragraph))
    if section.heading == "Feedback and contact information" and missing:
        st.warning(md_escape(missing), icon=":material/contact_support:")
        continue
    if section.bullets:
        st.markdown("\n".join(f"- {md_escape(item)}" for item in section.bullets))
