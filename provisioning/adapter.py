"""Single sign-on (Google, Microsoft, any OpenID Connect provider) creates accounts only for district
addresses, the same allow-list as the sign-up form; existing accounts sign in as before."""

from __future__ import annotations

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

from accounts.adapter import is_district_address


class DistrictSocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        addresses = [address.email for address in sociallogin.email_addresses if address.email]
        email = addresses[0] if addresses else (sociallogin.user.email or "")
        if not email or not is_district_address(email):
            return False
        return super().is_open_for_signup(request, sociallogin)
