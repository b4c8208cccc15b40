"""Shiny for Python: read data as the person viewing the app.

Reference only: it needs shiny, posit-sdk, requests and pandas from PyPI, which this offline machine
does not have. It is the seed's Databricks example reshaped like examples/node-content/app.mjs:

* the hosting platform sets ``Posit-Connect-User-Session-Token`` on every viewer request;
* ``connect.Client()`` reads ``CONNECT_SERVER`` (this server's URL) and ``CONNECT_API_KEY`` (the
  content's key) from the environment;
* ``client.oauth.get_credentials(session_token)`` exchanges the session token for the viewer's
  current provider access token (this server refreshes it when needed);
* on a first visit the exchange fails with code 214 (215: log in again) and ``payload`` carries the
  ``authorization_url`` to show the viewer.

With ``DATABRICKS_HOST`` and ``DATABRICKS_HTTP_PATH`` set it queries a Databricks SQL warehouse like
the seed does; otherwise it GETs ``DATA_PROVIDER_URL`` with the token (what the Node example does).
The access token is passed to the data client only: never printed, logged or rendered.
"""

import os

import pandas as pd
import requests
from posit import connect
from posit.connect.errors import ClientError
from shiny import App, Inputs, Outputs, Session, reactive, render, ui

LOGIN_REQUIRED = {214, 215}  # not authorized yet / reauthorization required

app_ui = ui.page_fluid(
    ui.h2("Trips, as you see them"),
    ui.input_action_button("load", "Load data", class_="btn-primary"),
    ui.output_ui("status"),
    ui.output_data_frame("table"),
)


def query_databricks(access_token: str) -> pd.DataFrame:
    from databricks import sql as dbsql

    conn = dbsql.connect(
        server_hostname=os.environ["DATABRICKS_HOST"],
        http_path=os.environ["DATABRICKS_HTTP_PATH"],
        access_token=access_token,
    )
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT * FROM samples.nyctaxi.trips LIMIT 100")
            columns = [d[0] for d in cur.description]
            return pd.DataFrame(cur.fetchall(), columns=columns)
    finally:
        conn.close()


def query_url(access_token: str) -> pd.DataFrame:
    response = requests.get(
        os.environ["DATA_PROVIDER_URL"],
        headers={"Authorization": f"Bearer {access_token}"},
        timeout=30,
    )
    response.raise_for_status()
    body = response.json()
    return pd.DataFrame(body if isinstance(body, list) else [body])


def server(input: Inputs, output: Outputs, session: Session):
    data = reactive.Value(None)
    login_url = reactive.Value(None)
    problem = reactive.Value(None)

    @reactive.effect
    @reactive.event(input.load)
    def _():
        login_url.set(None)
        problem.set(None)
        session_token = session.http_conn.headers.get("Posit-Connect-User-Session-Token")
        if not session_token:
            problem.set("Open this app through the hosting platform (no viewer session).")
            return
        client = connect.Client()
        try:
            credentials = client.oauth.get_credentials(session_token)
        except ClientError as error:
            payload = getattr(error, "payload", None) or {}
            if getattr(error, "error_code", None) in LOGIN_REQUIRED and payload.get("authorization_url"):
                login_url.set(payload["authorization_url"])
            else:
                problem.set(f"Credential exchange failed: {getattr(error, 'error_message', error)}")
            return
        access_token = credentials["access_token"]
        if os.environ.get("DATABRICKS_HOST") and os.environ.get("DATABRICKS_HTTP_PATH"):
            data.set(query_databricks(access_token))
        else:
            data.set(query_url(access_token))

    @render.ui
    def status():
        if login_url() is not None:
            return ui.p(
                "This app reads data as you. ",
                ui.a("Log in to the data provider", href=login_url()),
                ", then press Load data again.",
            )
        if problem() is not None:
            return ui.p(problem(), class_="text-danger")
        return None

    @render.data_frame
    def table():
        return data() if data() is not None else pd.DataFrame()


app = App(app_ui, server)
