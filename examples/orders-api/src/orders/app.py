"""Orders API: fetch one order, or export a customer's orders as CSV."""

import json
import os

import boto3
import pandas as pd
from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

# Created once per execution environment and reused by every warm invocation.
TABLE = boto3.resource("dynamodb").Table(os.environ.get("TABLE_NAME", "orders"))


def lambda_handler(event, context):
    path = event.get("rawPath", "/")
    if path.startswith("/export"):
        customer = event["queryStringParameters"]["customer"]
        return export_orders(customer)

    order_id = event["pathParameters"]["id"]
    try:
        item = TABLE.get_item(Key={"id": order_id}).get("Item")
    except ClientError as error:
        return _response(502, {"error": error.response["Error"]["Code"]})
    if item is None:
        return _response(404, {"error": f"order {order_id} not found"})
    return _response(200, item)


def export_orders(customer):
    """Only the rare /export route needs pandas (~260 ms to import)."""
    result = TABLE.query(
        IndexName="by-customer",
        KeyConditionExpression=Key("customer").eq(customer),
    )
    frame = pd.DataFrame(result["Items"])
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "text/csv"},
        "body": frame.to_csv(index=False),
    }


def _response(status, body):
    return {"statusCode": status, "body": json.dumps(body, default=str)}
