"""Placeholder page; replaced by the feature that owns it."""

import streamlit as st

st.title("Trends")
st.info("This page is being built.")
