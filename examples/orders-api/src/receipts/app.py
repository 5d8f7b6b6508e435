"""Receipts: e-mail a receipt for every order placed (an SQS batch of order events)."""

import json
import os

import boto3
from jinja2 import Environment, PackageLoader, select_autoescape

# Both are needed by every invocation: built once per execution environment, reused when warm.
SES = boto3.client("ses")
TEMPLATES = Environment(loader=PackageLoader("app"), autoescape=select_autoescape())


def lambda_handler(event, context):
    template = TEMPLATES.get_template("receipt.html")
    for record in event["Records"]:
        order = json.loads(record["body"])
        SES.send_email(
            Source=os.environ.get("SENDER", "orders@example.com"),
            Destination={"ToAddresses": [order["email"]]},
            Message={
                "Subject": {"Data": f"Your order {order['id']}"},
                "Body": {"Html": {"Data": template.render(order=order)}},
            },
        )
    return {"sent": len(event["Records"])}
