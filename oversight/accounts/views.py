"""Sign-in, the second factor, companies, people and API tokens."""

from __future__ import annotations

import base64
import time
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.accounts import queries, services
from oversight.accounts.decorators import (
    SESSION_REAUTH_AT,
    reauth_required,
    verified_required,
)
from oversight.accounts.forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    AssignRoleForm,
    ConfirmForm,
    EndRoleForm,
    InviteForm,
    SecurityKeyAddForm,
    SecurityKeyAnswerForm,
    SignInForm,
    SwitchCompanyForm,
    TokenForm,
)
from oversight.accounts.http import AuthenticatedHttpRequest
from oversight.accounts.middleware import SESSION_COMPANY
from oversight.accounts.models import (
    ApiToken,
    Company,
    Invitation,
    RoleAssignment,
    SecurityKey,
    User,
)
from oversight.accounts.security_keys import (
    Challenge,
    KeyRefused,
    Purpose,
    Reason,
    authentication_options,
    registration_options,
    take_challenge,
    verify_registration,
)

SESSION_ENROL_DEVICE = "oversight_enrol_device"
SESSION_NEW_CODES = "oversight_new_recovery_codes"


def client_address(request: HttpRequest) -> str:
    """The client's address, used only as a keyed hash for throttling."""
    return str(request.META.get("REMOTE_ADDR", ""))


def _next_url(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _with_next(name: str, request: HttpRequest, **params: str) -> str:
    return f"{reverse(name)}?{urlencode({**params, 'next': _next_url(request)})}"


def _has_keys(user: User) -> bool:
    exists: bool = SecurityKey.objects.filter(user=user, confirmed=True).exists()
    return exists


KEY_REFUSALS: dict[Reason | None, str] = {
    Reason.NO_CHALLENGE: "The request to your key expired. Try again.",
    Reason.SIGN_COUNT_NOT_INCREASED: (
        "This key's use counter went backwards, which can mean the key was copied. "
        "It was refused and logged. Use your authenticator app, and remove the key "
        "if you do not know why."
    ),
}


def _check_key(
    request: AuthenticatedHttpRequest,
    form: ConfirmForm | SecurityKeyAnswerForm,
    challenge: Challenge | None,
    purpose: Purpose,
    client: str,
) -> SecurityKey | None:
    """Check the form's answer from a security key; a refusal is counted and put on the form."""
    outcome = services.authenticate_with_security_key(
        request.user,
        credential=form.cleaned_data["credential"],
        challenge=challenge,
        client=client,
        purpose=purpose,
    )
    if outcome.key is None:
        form.add_error(
            None,
            KEY_REFUSALS.get(outcome.reason, "That security key was not accepted."),
        )
    return outcome.key


def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        client = services.client_key(client_address(request))
        state = services.throttle_state(email, client)
        if state.blocked:
            form.add_error(None, state.reason)
        else:
            user = authenticate(
                request, username=email, password=form.cleaned_data["password"]
            )
            if user is None:
                services.record_sign_in_failure(
                    email, client=client, user=User.objects.filter(email=email).first()
                )
                form.add_error(None, "The email address or password is not right.")
            else:
                login(request, user)
                services.record_sign_in(user, client=client, stage="password")
                return redirect(_next_url(request))
    return render(
        request, "accounts/signin.html", {"form": form, "next": _next_url(request)}
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.record_sign_out(request.user)
    logout(request)
    response = redirect("accounts:login")
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@login_required
def mfa_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.is_verified():  # type: ignore[attr-defined]
        return redirect(_next_url(request))
    if not user_has_device(request.user):
        return redirect("accounts:mfa-enrol")
    has_keys = _has_keys(request.user)
    if request.method == "GET" and has_keys and request.GET.get("method") != "app":
        return redirect(_with_next("accounts:key-verify", request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        client = services.client_key(client_address(request))
        state = services.throttle_state(request.user.email, client)
        token = form.cleaned_data["token"].strip()
        if state.blocked:
            form.add_error(None, state.reason)
        else:
            device = match_token(request.user, token)
            if device is None and services.use_recovery_code(request.user, token):
                device = (
                    TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
                    or SecurityKey.objects.filter(
                        user=request.user, confirmed=True
                    ).first()
                )
                messages.warning(
                    request,
                    "You used a recovery code. Each works once; make new ones when few are left.",
                )
            if device is None:
                services.record_sign_in_failure(
                    request.user.email, client=client, user=request.user, stage="mfa"
                )
                form.add_error("token", "That code is not valid.")
            else:
                otp_login(request, device)
                request.session[SESSION_REAUTH_AT] = time.time()
                services.record_sign_in(request.user, client=client, stage="mfa")
                return redirect(_next_url(request))
    return render(
        request,
        "accounts/mfa_verify.html",
        {"form": form, "next": _next_url(request), "has_keys": has_keys},
    )


@login_required
def key_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second factor with a security key; the authenticator app is one link away."""
    if request.user.is_verified():  # type: ignore[attr-defined]
        return redirect(_next_url(request))
    if not _has_keys(request.user):
        return redirect(_with_next("accounts:mfa-verify", request))
    form = SecurityKeyAnswerForm(request.POST or None)
    if request.method == "POST":
        challenge = take_challenge(request.session, Purpose.SIGN_IN)
        client = services.client_key(client_address(request))
        state = services.throttle_state(request.user.email, client)
        if state.blocked:
            form.add_error(None, state.reason)
        elif form.is_valid() and (
            key := _check_key(request, form, challenge, Purpose.SIGN_IN, client)
        ):
            otp_login(request, key)
            request.session[SESSION_REAUTH_AT] = time.time()
            return redirect(_next_url(request))
    options = authentication_options(request.user, request.session, Purpose.SIGN_IN)
    context = {"form": form, "options": options, "next": _next_url(request)}
    return render(request, "accounts/key_verify.html", context)


@login_required
def mfa_enrol(request: AuthenticatedHttpRequest) -> HttpResponse:
    if user_has_device(request.user) and not request.user.is_verified():  # type: ignore[attr-defined]
        return redirect("accounts:mfa-verify")
    device = TOTPDevice.objects.filter(
        pk=request.session.get(SESSION_ENROL_DEVICE), user=request.user, confirmed=False
    ).first()
    if device is None:
        device = services.start_totp_enrolment(request.user)
        request.session[SESSION_ENROL_DEVICE] = device.pk
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.confirm_totp_enrolment(device, form.cleaned_data["token"])
        except ValidationError as exc:
            form.add_error("token", exc.message_dict.get("token", exc.messages))
        else:
            otp_login(request, device)
            request.session.pop(SESSION_ENROL_DEVICE, None)
            request.session[SESSION_NEW_CODES] = codes
            return redirect("accounts:recovery-codes")
    qr = segno.make(device.config_url, error="m").svg_inline(
        scale=4, dark="#1b1f24", light="#ffffff", omitsize=False
    )
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/mfa_enrol.html",
        {"form": form, "qr_svg": qr, "secret": secret},
    )


@login_required
def recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    codes = request.session.pop(SESSION_NEW_CODES, None)
    remaining = request.user.recovery_codes.filter(used_at__isnull=True).count()
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "remaining": remaining, "next": _next_url(request)},
    )


@require_POST
@login_required
@reauth_required
def regenerate_recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    request.session[SESSION_NEW_CODES] = services.issue_recovery_codes(request.user)
    return redirect("accounts:recovery-codes")


def _reauthenticated(
    request: AuthenticatedHttpRequest, form: ConfirmForm, challenge: Challenge | None
) -> bool:
    """The password, then an answer from a security key or a code; failures are counted."""
    client = services.client_key(client_address(request))
    state = services.throttle_state(request.user.email, client)
    if state.blocked:
        form.add_error(None, state.reason)
        return False
    data = form.cleaned_data
    if request.user.check_password(data["password"]):
        if data["credential"]:
            return (
                _check_key(request, form, challenge, Purpose.REAUTH, client) is not None
            )
        if match_token(request.user, data["token"].strip()) is not None:
            return True
    services.record_sign_in_failure(
        request.user.email, client=client, user=request.user, stage="reauth"
    )
    form.add_error(None, "The password or the code is not right.")
    return False


@login_required
def confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Re-authentication before a sensitive action: the password and a fresh code or key."""
    form = ConfirmForm(request.POST or None)
    if request.method == "POST":
        challenge = take_challenge(request.session, Purpose.REAUTH)
        if form.is_valid() and _reauthenticated(request, form, challenge):
            request.session[SESSION_REAUTH_AT] = time.time()
            return redirect(_next_url(request))
    options = (
        authentication_options(request.user, request.session, Purpose.REAUTH)
        if _has_keys(request.user)
        else None
    )
    context = {"form": form, "next": _next_url(request), "options": options}
    return render(request, "accounts/confirm.html", context)


@require_POST
@login_required
def switch_company(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SwitchCompanyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a company.")
        return redirect("dashboard")
    company = next(
        (
            c
            for c in queries.companies_for(request.user)
            if c.pk == form.cleaned_data["company"]
        ),
        None,
    )
    if company is None:
        raise Http404("No such company.")
    request.session[SESSION_COMPANY] = company.pk
    messages.success(request, f"You are now working in {company.name}.")
    return redirect("dashboard")


@login_required
def security(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/security.html",
        {
            "has_device": TOTPDevice.objects.filter(
                user=request.user, confirmed=True
            ).exists(),
            "keys": SecurityKey.objects.filter(user=request.user, confirmed=True),
            "remaining_codes": request.user.recovery_codes.filter(
                used_at__isnull=True
            ).count(),
        },
    )


@login_required
@verified_required
@reauth_required
def key_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Register a security key: the page's script asks the browser, the server checks it."""
    form = SecurityKeyAddForm(request.POST or None)
    if request.method == "POST":
        challenge = take_challenge(request.session, Purpose.ENROL)
        if form.is_valid():
            try:
                new = verify_registration(form.cleaned_data["credential"], challenge)
                key = services.add_security_key(
                    request.user,
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    new=new,
                )
            except KeyRefused as refused:
                services.record_security_key_refused(
                    request.user, stage=Purpose.ENROL, refused=refused
                )
                form.add_error(None, "Your key's answer was not accepted. Try again.")
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"The security key “{key.name}” was added.")
                return redirect("accounts:security")
    options = registration_options(request.user, request.session)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "options": options}
    return render(request, "accounts/securitykey_add.html", context, status=status)


@require_POST
@login_required
@verified_required
@reauth_required
def key_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    key = SecurityKey.objects.filter(pk=pk, user=request.user, confirmed=True).first()
    if key is None:
        raise Http404("No such key.")
    try:
        services.remove_security_key(key, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The security key “{key.name}” was removed.")
    return redirect("accounts:security")


# --- people -------------------------------------------------------------------


def _people_page(
    request: AuthenticatedHttpRequest,
    company: Company,
    *,
    invite_form: InviteForm | None = None,
    assign_form: AssignRoleForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The people page, with any form that failed shown with its errors."""
    can_manage = _can(request, "people.manage")
    invitations = Invitation.objects.filter(
        company=company, accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")
    context = {
        "assignments": queries.people_of(company),
        "invitations": invitations if can_manage else [],
        "can_manage": can_manage,
        "invite_form": invite_form or InviteForm(),
        "assign_form": assign_form or AssignRoleForm(),
        "today": queries.company_today(company),
    }
    return render(request, "accounts/people_list.html", context, status=status)


@login_required
def people(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _people_page(request, queries.company_for(request, "people.view"))


def _can(request: AuthenticatedHttpRequest, action: str) -> bool:
    try:
        queries.company_for(request, action)
    except (PermissionDenied, Http404):
        return False
    return True


@require_POST
@login_required
def invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = queries.company_for(request, "people.manage")
    form = InviteForm(request.POST)
    if form.is_valid():
        issued = services.invite(
            actor=request.user, company=company, **form.cleaned_data
        )
        messages.success(
            request,
            f"Invitation sent to {issued.invitation.email}. The link works once and expires in {settings.INVITATION_MAX_AGE_HOURS} hours.",
        )
        return redirect("accounts:people")
    return _people_page(request, company, invite_form=form, status=400)


@require_POST
@login_required
def assign(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = queries.company_for(request, "people.manage")
    form = AssignRoleForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        user = User.objects.filter(email=data["user"].lower()).first()
        if user is None or not queries.people_of(company).filter(user=user).exists():
            form.add_error(
                "user",
                "No one with that email belongs to this company yet: invite them first.",
            )
        else:
            try:
                services.assign_role(
                    user,
                    actor=request.user,
                    company=company,
                    role=data["role"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    title=data["title"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    f"{user} now holds the role from {data['starts_on']:%d %b %Y}.",
                )
                return redirect("accounts:people")
    return _people_page(request, company, assign_form=form, status=400)


@require_POST
@login_required
def end_role(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = queries.get_for(
        request.user,
        RoleAssignment.objects.select_related("company", "user"),
        pk,
        "people.manage",
    )
    form = EndRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the last day of the role.")
        return redirect("accounts:people")
    try:
        services.end_role(
            assignment, actor=request.user, ends_on=form.cleaned_data["ends_on"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"The role of {assignment.user} ends on {form.cleaned_data['ends_on']:%d %b %Y}.",
        )
    return redirect("accounts:people")


@require_POST
@login_required
def revoke_invitation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    invitation = queries.get_for(
        request.user, Invitation.objects.select_related("company"), pk, "people.manage"
    )
    try:
        services.revoke_invitation(invitation, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("accounts:people")


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.find_invitation(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    existing = User.objects.filter(email=invitation.email).exists()
    form = AcceptInvitationForm(
        request.POST or None,
        needs_password=not existing,
        initial={"full_name": invitation.full_name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(
                token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data.get("password"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if existing:
                messages.success(
                    request,
                    f"You joined {invitation.company.name}. Sign in to continue.",
                )
                return redirect("accounts:login")
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[SESSION_COMPANY] = invitation.company_id
            return redirect("accounts:mfa-enrol")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "invitation": invitation, "existing": existing},
    )


# --- API tokens ---------------------------------------------------------------


@login_required
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = queries.company_for(request, "api_tokens.own")
    form = ApiTokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        issued = services.create_api_token(
            actor=request.user, company=company, **form.cleaned_data
        )
        secret = issued.secret
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user, company=company)
    return render(
        request,
        "accounts/apitoken_list.html",
        {"form": form, "tokens": tokens, "secret": secret},
        status=400 if request.method == "POST" and form.errors else 200,
    )


@require_POST
@login_required
def revoke_api_token(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = queries.get_for(
        request.user, ApiToken.objects.select_related("company"), pk, "api_tokens.own"
    )
    if token.user_id != request.user.pk:
        raise Http404("Not found.")
    try:
        services.revoke_api_token(token, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The token “{token.name}” no longer works.")
    return redirect("accounts:api-tokens")
