"""Runs the AWS SAM translator (aws-sam-translator, installed with cfn-lint) on a SAM template and prints the
CloudFormation template it makes, as JSON. The reference the SAM tests compare template mode with; the
product never runs it. Usage: python3 sam-translate.py TEMPLATE [KEY=VALUE ...]"""
import json
import os
import sys

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

from samtranslator.parser import parser  # noqa: E402
from samtranslator.translator.translator import Translator  # noqa: E402
from samtranslator.yaml_helper import yaml_parse  # noqa: E402

with open(sys.argv[1], encoding="utf-8") as handle:
    template = yaml_parse(handle.read())
parameters = dict(arg.split("=", 1) for arg in sys.argv[2:])
translator = Translator(managed_policy_map={}, sam_parser=parser.Parser())
print(json.dumps(translator.translate(sam_template=template, parameter_values=parameters)))
