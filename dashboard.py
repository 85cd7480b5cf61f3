"""Entry point: `streamlit run dashboard.py`. Declares the pages; each page file draws itself.

Each page's url_path equals its file name in pages/, and every page calls
`ui.through_entry_point()` first, so a deep link on a freshly started server is still served
through this navigation (see that function for why).
"""

import streamlit as st

APP_TITLE = "Community Cohesion Dashboard"
st.set_page_config(page_title=APP_TITLE, page_icon=":material/diversity_3:", layout="wide")

HEADLINES = st.Page("pages/headlines.py", title="Headlines", icon=":material/dashboard:", url_path="headlines")
# Pages collapse the sidebar on first load where the screen is for a room (a projector at 1280x720).
SIDEBAR_COLLAPSED = {"meeting"}


def _home() -> None:
    # The app's root address shows Headlines at its own address, /headlines, so every page has one
    # address and /headlines opens directly (a default page is only ever served at "/").
    st.switch_page(HEADLINES)


PAGES = {
    "Overview": [
        st.Page(_home, title="Home", url_path="home", default=True, visibility="hidden"),
        HEADLINES,
        st.Page("pages/priorities.py", title="Priorities", icon=":material/checklist:", url_path="priorities"),
        st.Page("pages/trends.py", title="Trends", icon=":material/show_chart:", url_path="trends"),
        st.Page("pages/compare.py", title="Compare with peers", icon=":material/leaderboard:", url_path="compare"),
        st.Page("pages/early_warning.py", title="Early warning", icon=":material/notifications_active:",
                url_path="early_warning"),
    ],
    "Places": [
        st.Page("pages/spaces.py", title="Community spaces", icon=":material/map:", url_path="spaces"),
    ],
    "Meetings": [
        st.Page("pages/meeting.py", title="Meeting mode", icon=":material/co_present:", url_path="meeting"),
    ],
    "About the data": [
        st.Page("pages/data.py", title="Data & sources", icon=":material/database:", url_path="data"),
        st.Page("pages/accessibility.py", title="Accessibility", icon=":material/accessibility_new:",
                url_path="accessibility"),
    ],
}

# One flat list in the order above, not sections: Streamlit draws sections as <div>s inside the
# <ul> of page links, which assistive technology cannot read as a list (axe-core rules list and
# listitem, serious). tests/browser/test_accessibility.py checks every page.
navigation = st.navigation([page for section in PAGES.values() for page in section])
# A distinct browser title per page ("Trends · Community Cohesion Dashboard"), and the sidebar
# collapsed on pages meant for a projector.
st.set_page_config(page_title=f"{navigation.title} · {APP_TITLE}",
                   initial_sidebar_state="collapsed" if navigation.url_path in SIDEBAR_COLLAPSED else "auto")
from cohesion import auth, ui  # noqa: E402 - after set_page_config, like the pages

auth.account_controls(auth.page_access())  # sign in / out in the sidebar, on every page
try:
    navigation.run()
finally:
    ui.freeze_after_imports()  # after the page's imports: see why there
