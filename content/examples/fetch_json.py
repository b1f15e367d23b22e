import requests
from requests.exceptions import ConnectionError, HTTPError, RequestException, Timeout


def fetch_json(url: str) -> dict | None:
    try:
        response = requests.get(url, headers={"Accept": "application/json"}, timeout=10)
        response.raise_for_status()
        return response.json()
    except HTTPError as err:
        print(f"the server answered {err.response.status_code}: {err}")
    except ConnectionError:
        print("could not reach the server (DNS, refused connection, TLS failure)")
    except Timeout:
        print("the server took too long to answer")
    except RequestException as err:
        print(f"the request failed: {err}")
    return None
