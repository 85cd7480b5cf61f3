"""Placeholder page; replaced by the feature that owns it."""

import streamlit as st

st.title("Headlines")
st.info("This page is being built.")
