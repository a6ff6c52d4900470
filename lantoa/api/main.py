from ninja import NinjaAPI

api = NinjaAPI(title="Lan Tỏa API", version="1", urls_namespace="api")
