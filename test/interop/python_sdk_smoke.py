"""Microsoft's Python SDK (PowerPlatform-Dataverse-Client) against `dvbench mock`, unchanged.

A manual check (CI cannot reach PyPI or GitHub): see docs/interop.md for how to get the SDK and run
this. Run: PYTHONPATH=<sdk>/src python3 test/interop/python_sdk_smoke.py https://127.0.0.1:PORT
Against `dvbench mock --tls` (give REQUESTS_CA_BUNDLE the authority's certificate it prints) the
SDK signs in with azure-identity's own ClientSecretCredential, the mock as its authority; against
plain http, with a credential that posts to the mock's token endpoint. Each step prints ok or the
exception; the exit code is the number of steps that failed.
"""
import sys, time, traceback
from azure.core.credentials import AccessToken
from PowerPlatform.Dataverse.client import DataverseClient
from PowerPlatform.Dataverse.core.errors import HttpError

base = sys.argv[1].rstrip('/')

class MockCredential:
    """A TokenCredential: the mock's own token endpoint, as a client-credentials sign-in would call it."""
    def get_token(self, *scopes, **kwargs):
        import requests
        r = requests.post(f"{base}/mock-tenant/oauth2/v2.0/token", data={
            'grant_type': 'client_credentials', 'client_id': 'app-1', 'client_secret': 's', 'scope': scopes[0]})
        if r.status_code != 200:
            return AccessToken('anonymous', int(time.time()) + 3600)
        j = r.json()
        return AccessToken(j['access_token'], int(time.time()) + int(j.get('expires_in', 3600)))
    def get_token_info(self, *scopes, options=None):
        return self.get_token(*scopes)

failed = 0
def step(name, fn):
    global failed
    try:
        out = fn()
        print(f"ok   {name}: {str(out)[:160]}")
        return out
    except Exception as e:  # noqa: BLE001
        failed += 1
        print(f"FAIL {name}: {type(e).__name__}: {str(e)[:400]}")
        if '-v' in sys.argv: traceback.print_exc()

def credential():
    if not base.startswith('https://'):
        return MockCredential()
    from azure.identity import ClientSecretCredential, __version__ as v
    # As for any authority Entra ID does not list (a private cloud, Azure Stack): no instance
    # discovery at login.microsoftonline.com; the authority's own OpenID configuration instead.
    # azure-identity 1.13.0 calls it disable_instance_discovery; its betas (Debian 12's 1.13.0b2)
    # instance_discovery.
    kw = {'instance_discovery': False} if v.startswith('1.13.0b') else {'disable_instance_discovery': True}
    return ClientSecretCredential('mock-tenant', 'app-1', 's', authority=base.split('//', 1)[1], **kw)

def throttled():
    """Calls until the service protection limit answers 429: the SDK's error says so, and when to retry."""
    for i in range(2000):
        try:
            client.records.get('account', filter="startswith(name,'SDK')", select=['name'], top=1).__next__()
        except HttpError as e:
            assert e.status_code == 429 and e.is_transient and e.details.get('retry_after', 0) > 0, e.to_dict()
            return f"429 after {i} calls, retry after {e.details['retry_after']} s"
    return 'no 429 in 2000 calls'

with DataverseClient(base, credential()) as client:
    step('sign-in (azure-identity ClientSecretCredential)' if base.startswith('https://') else 'sign-in (token endpoint)',
         lambda: len(credential().get_token(base + '/.default').token) > 0 or 'no token')
    acc = step('records.create one', lambda: client.records.create('account', {'name': 'SDK one', 'telephone1': '555'}))
    many = step('records.create many (CreateMultiple)', lambda: client.records.create('account', [{'name': f'SDK {i}'} for i in range(5)]))
    if acc:
        step('records.get', lambda: dict(client.records.get('account', acc, select=['name', 'telephone1'])))
        step('records.update', lambda: client.records.update('account', acc, {'telephone1': '556'}))
        step('records.get after update', lambda: client.records.get('account', acc, select=['telephone1'])['telephone1'])
    if many:
        step('records.update many (UpdateMultiple)', lambda: client.records.update('account', many, {'telephone1': '9'}))
    step('records.get filter', lambda: [r['name'] for page in client.records.get('account', filter="startswith(name,'SDK')", select=['name'], top=3) for r in page])
    step('records.get paging (page_size=2, nextLink followed)', lambda: [len(page) for page in client.records.get('account', filter="startswith(name,'SDK')", select=['name'], page_size=2)])
    step('formatted values', lambda: [r['statecode@OData.Community.Display.V1.FormattedValue'] for page in client.records.get('account', select=['statecode'], top=1, include_annotations='OData.Community.Display.V1.FormattedValue') for r in page])
    step('query.sql', lambda: [r['name'] for r in client.query.sql("SELECT TOP 3 name FROM account WHERE name LIKE 'SDK%' ORDER BY name")])
    step('tables.get', lambda: client.tables.get('account'))
    step('tables.list_columns', lambda: len(client.tables.list_columns('account')))
    step('tables.list_table_relationships', lambda: len(client.tables.list_table_relationships('contact')))
    step('tables.get_relationship', lambda: client.tables.get_relationship('contact_customer_accounts'))
    step('records.upsert by alternate key', lambda: client.records.upsert('account', [{'alternate_key': {'accountnumber': 'SDK-K1'}, 'record': {'name': 'SDK upserted'}}]))
    step('query.fetchxml', lambda: [r['name'] for page in client.query.fetchxml("<fetch top='2'><entity name='account'><attribute name='name'/></entity></fetch>").execute_pages() for r in page])
    if acc:
        step('records.delete one', lambda: client.records.delete('account', acc))
    if many:
        step('records.delete many (BulkDelete)', lambda: client.records.delete('account', many))
    singles = step('records.create many for one-by-one deletes', lambda: client.records.create('account', [{'name': f'SDK del {i}'} for i in range(3)]))
    if singles:
        step('records.delete many (one by one)', lambda: client.records.delete('account', singles, use_bulk_delete=False))
    def batch():
        b = client.batch.new()
        b.records.create('account', {'name': 'SDK batch 1'})
        b.records.create('account', {'name': 'SDK batch 2'})
        r = b.execute()
        assert not r.has_errors, [(f.status_code, f.error_message) for f in r.failed]
        return f"{len(r.succeeded)} succeeded, ids {len(r.entity_ids)}"
    step('batch ($batch, two creates)', batch)
    def changeset():
        b = client.batch.new()
        with b.changeset() as cs:
            c = cs.records.create('contact', {'firstname': 'Ada'})
            cs.records.create('account', {'name': 'SDK cs', 'primarycontactid@odata.bind': c})
            cs.records.update('contact', c, {'lastname': 'Lovelace'})
        r = b.execute()
        assert not r.has_errors, [(f.status_code, f.error_message) for f in r.failed]
        return f"{len(r.entity_ids)} created atomically"
    step('batch changeset with content-ID references', changeset)
    def bulk_delete_job():
        ids = client.records.create('account', [{'name': f'SDK job {i}'} for i in range(4)])
        job = client.records.delete('account', ids)
        import time as t
        for _ in range(50):
            r = client.records.get('asyncoperation', job, select=['statecode', 'statuscode', 'message'])
            if r['statecode'] == 3: return dict(r)
            t.sleep(0.05)
        return 'never completed'
    step('BulkDelete job visible in asyncoperations', bulk_delete_job)
    step('429 from the service protection limits', throttled)
print(f"{failed} failed")
sys.exit(failed)
