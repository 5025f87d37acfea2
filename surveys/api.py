"""``surveys/`` (campaigns), their responses and results, and ``questionnaires/``: thin over surveys.services.

- ``POST surveys/{id}/responses/`` needs no login while the campaign is open (rate-limited per address; the
  campaign's kiosk and the people who type in its paper questionnaires have their own limits);
- ``GET surveys/{id}/results/`` (``?site=``, ``?service=``) counts the campaign's answers in the database.

Campaigns are scoped by ``for_user`` (a foreign id is a 404); every object carries its ``abilities``.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.crypto import constant_time_compare
from django_ratelimit.core import is_ratelimited
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action as route
from rest_framework.exceptions import NotFound, PermissionDenied, Throttled, ValidationError
from rest_framework.generics import get_object_or_404  # a non-numeric id is a 404, not a 500
from rest_framework.permissions import AllowAny
from rest_framework.response import Response as ApiResponse

from accounts import access
from qualipref.lib.client_ip import client_ip
from qualipref.lib.drf import ReadWriteViewSet
from sites.models import Prefecture, Service, Site
from surveys import results as results_module
from surveys.filters import CampaignFilter
from surveys.models import Campaign, CampaignSite, Question, Questionnaire, Response
from surveys.models.questionnaires import SATISFIED_VALUES
from surveys.serializers import (
    CampaignSerializer,
    CampaignWriteSerializer,
    LocalQuestionAddSerializer,
    QuestionMoveSerializer,
    QuestionnaireSerializer,
    ResponseCreatedSerializer,
    ResponseSubmitSerializer,
    ResultsSerializer,
    VersionCreateSerializer,
)
from surveys.services import campaigns as campaign_services
from surveys.services import questionnaires as questionnaire_services
from surveys.services import responses as response_services
from surveys.views.public import KIOSK_RATE, RATE

# Whoever types in the campaign's paper questionnaires through the API (a quality team with a pile of them): a
# bound per person against a runaway script, not the visitors' per-address rate.
ENTRY_RATE = "1000/h"
# The approved free texts of a local question in the results: the latest ones.
API_TEXTS = 50


def _kiosk_key_matches(request, campaign):
    """The request carries the campaign's kiosk key (the kiosk of the hall, which answers all day from one address)
    and the campaign takes kiosk answers."""
    key = request.data.get("kiosk_key") if hasattr(request.data, "get") else None
    return (
        isinstance(key, str)
        and Campaign.Channel.KIOSK in (campaign.channels or [])
        and constant_time_compare(key, campaign.kiosk_key)
    )


def campaigns_for(user):
    return (
        Campaign.objects.for_user(user)
        .select_related("questionnaire", "prefecture")
        .prefetch_related(Prefetch("campaign_sites", queryset=CampaignSite.objects.order_by("site_id")), "services")
    )


class CampaignViewSet(ReadWriteViewSet):
    """Satisfaction survey campaigns of the user's prefectures (and those covering their sites). Filters:
    prefecture, site, status, kind, questionnaire (code), year. PATCH ``status`` opens or closes a campaign."""

    queryset = Campaign.objects.none()
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter

    def get_queryset(self):
        return campaigns_for(self.request.user).order_by("-opens_on", "-pk").distinct()

    def get_serializer_class(self):
        if self.action in ("create", "partial_update", "update"):
            return CampaignWriteSerializer
        return super().get_serializer_class()

    def _read(self, campaign):
        return CampaignSerializer(
            campaigns_for(self.request.user).get(pk=campaign.pk), context=self.get_serializer_context()
        )

    @extend_schema(request=CampaignWriteSerializer, responses={201: CampaignSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("status", None)
        campaign = campaign_services.campaign_create(by=request.user, **data)
        return ApiResponse(self._read(campaign).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CampaignWriteSerializer, responses=CampaignSerializer)
    def partial_update(self, request, *args, **kwargs):
        campaign = self.get_object()
        if not access.can_manage_campaign(request.user, campaign):
            raise PermissionDenied("Seul le responsable qualité de la préfecture modifie ses campagnes.")
        serializer = self.get_serializer(campaign, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        new_status = data.pop("status", None)
        data.pop("prefecture", None)
        data.pop("kind", None)
        if data:
            campaign_services.campaign_update(by=request.user, campaign=campaign, **data)
        if new_status is not None and new_status != campaign.status:
            campaign_services.campaign_set_status(by=request.user, campaign=campaign, status=new_status)
        return ApiResponse(self._read(campaign).data)

    def _responses_limit(self, request, campaign):
        """Raise Throttled past the limit of whoever sends answers: a person who types in the campaign's paper
        questionnaires (per person), the campaign's kiosk (its key, per address), or a visitor (per address)."""
        user = request.user
        if user.is_authenticated and access.may_enter_responses(user, campaign):
            group, key, rate = "surveys-api-entry", lambda group, request: f"user:{user.pk}", ENTRY_RATE
            message = "Trop de questionnaires saisis en une heure : réessayez plus tard."
        elif _kiosk_key_matches(request, campaign):
            # Per campaign and address: each site's kiosk of a campaign (they share its key) counts apart.
            group, key, rate = (
                "surveys-api-kiosk",
                lambda group, request: f"{campaign.pk}:{client_ip(request)}",
                KIOSK_RATE,
            )
            message = "Trop de réponses envoyées depuis cette borne : réessayez plus tard."
        else:
            group, key, rate = "surveys-api-responses", "ip", RATE
            message = "Trop de réponses envoyées depuis cette adresse : réessayez plus tard."
        if is_ratelimited(request._request, group=group, key=key, rate=rate, increment=True):
            raise Throttled(detail=message)

    @extend_schema(
        request=ResponseSubmitSerializer,
        responses={201: ResponseCreatedSerializer},
        auth=[{}, {"tokenAuth": []}, {"cookieAuth": []}],
        description="Une réponse au questionnaire, sans connexion, tant que la campagne est ouverte. Limites : "
        f"{RATE} par adresse ; {KIOSK_RATE} par adresse pour la borne de la campagne (``kiosk_key``) ; "
        f"{ENTRY_RATE} par personne pour qui saisit les questionnaires papier de la campagne (connecté).",
    )
    @route(detail=True, methods=["post"], permission_classes=[AllowAny], url_path="responses")
    def responses(self, request, pk=None):
        campaign = get_object_or_404(
            Campaign.objects.select_related("questionnaire").exclude(status=Campaign.Status.DRAFT), pk=pk
        )
        self._responses_limit(request, campaign)
        params = ResponseSubmitSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        site = Site.objects.filter(pk=data["site"]).first()
        if site is None:
            raise ValidationError({"site": ["Ce site ne participe pas à cette enquête."]})
        service = None
        if data.get("service") is not None:
            service = Service.objects.filter(pk=data["service"]).first()
            if service is None:
                raise ValidationError({"service": ["Ce service n'est pas concerné par cette enquête."]})
        try:
            response = response_services.response_submit(
                campaign=campaign,
                site=site,
                service=service,
                answers=data["answers"],
                comment=data["comment"],
                comment_consent=data["comment_consent"],
                submission_key=data.get("submission_key"),
                channel=Response.Channel.KIOSK if _kiosk_key_matches(request, campaign) else Response.Channel.WEB,
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        rows = list(response.answers.all())
        answers = {answer.question_code: answer.value for answer in rows if not answer.option and not answer.text}
        choices = {}
        for answer in rows:
            if answer.option:
                choices.setdefault(answer.question_code, []).append(answer.option)
        texts = {answer.question_code: answer.text for answer in rows if answer.text}
        closed = results_module.yes_no_codes(campaign) | {
            question.code for question in results_module.local_questions_of(campaign) if question.is_yes_no
        }
        yes_no = {
            code: None if value is None else value in SATISFIED_VALUES
            for code, value in answers.items()
            if code in closed
        }
        return ApiResponse(
            {
                "id": response.pk,
                "campaign": campaign.pk,
                "site": response.site_id,
                "service": response.service_id,
                "answers": answers,
                "yes_no": yes_no,
                "choices": choices,
                "texts": texts,
            },
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("site", OpenApiTypes.INT, description="Un site de la campagne."),
            OpenApiParameter("service", OpenApiTypes.INT, description="Un service de la campagne."),
        ],
        responses=ResultsSerializer,
    )
    @route(detail=True, methods=["get"])
    def results(self, request, pk=None):
        """Number of responses and satisfaction rate per dimension (share of 3 and 4 among the answers that give an
        opinion), with its Wilson 95 % interval and the rate of the previous campaign."""
        # Not self.get_object(): ``?site=`` is this route's parameter, not the list's filter.
        campaign = get_object_or_404(self.get_queryset(), pk=pk)
        site_ids = {cs.site_id for cs in campaign.campaign_sites.all()}
        site = service = None
        errors = {}
        raw_site, raw_service = request.query_params.get("site"), request.query_params.get("service")
        if raw_site:
            if not raw_site.isdigit() or int(raw_site) not in site_ids:
                errors["site"] = ["Ce site ne participe pas à cette campagne."]
            else:
                site = Site.objects.get(pk=int(raw_site))
        if raw_service:
            service = Service.objects.filter(pk=int(raw_service)).first() if raw_service.isdigit() else None
            if service is None or service.site_id not in site_ids or (site and service.site_id != site.pk):
                errors["service"] = ["Ce service ne participe pas à cette campagne."]
        if errors:
            raise ValidationError(errors)
        scope_site = service.site if service is not None else site
        if scope_site is not None and not access.can_see_site_results(request.user, campaign, scope_site):
            raise NotFound("Les résultats de ce site ne sont pas publiés.")
        results = results_module.campaign_results(campaign, site=site, service=service)
        local = results_module.local_results(
            campaign, site=site, service=service, approved_only=True, texts_limit=API_TEXTS
        )
        return ApiResponse(
            {
                "campaign": campaign.pk,
                "site": site.pk if site else None,
                "service": service.pk if service else None,
                "previous_campaign": results.previous.pk if results.previous else None,
                **results.as_api(),
                "local_questions": [
                    {
                        "code": item.code,
                        "label": item.label,
                        "kind": item.kind,
                        "answered": item.answered,
                        "shares": [vars(share) for share in item.shares],
                        "texts": [text["text"] for text in item.texts],
                    }
                    for item in local
                ],
            }
        )


# A question of a version, by its code: moved by POST …/move, removed by DELETE.
QUESTION_PATH = r"questions/(?P<code>[a-z][a-z0-9_]*)"
QUESTION_CODE = OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="Code de la question.")


class QuestionnaireViewSet(viewsets.ReadOnlyModelViewSet):
    """Questionnaires, every national version and the local versions the user reads: coded questions rated 1 to 4
    or « sans avis », or answered « Oui » / « Non » (``kind``), and the local questions of a prefecture's version.
    ``POST`` creates a version (the prefecture's quality manager); ``{id}/questions/`` adds a local question,
    ``{id}/questions/{code}/move/`` moves a question up or down, ``DELETE {id}/questions/{code}/`` removes a local
    one, ``{id}/publish/`` publishes (surveys.services.questionnaires: refused in French once the version is
    answered)."""

    queryset = Questionnaire.objects.prefetch_related(
        Prefetch("questions", Question.objects.order_by("position").prefetch_related("options"))
    ).order_by("code", "-published_on", "-pk")
    serializer_class = QuestionnaireSerializer
    filterset_fields = ["code", "audience"]

    def get_queryset(self):
        # the national versions, and the local versions of the user's prefectures (accounts.access)
        return super().get_queryset().for_user(self.request.user)

    def _written(self, write, status_code=status.HTTP_200_OK):
        try:
            questionnaire = write()
        except DjangoValidationError as error:
            raise ValidationError(
                error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
            ) from None
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from None
        return ApiResponse(
            QuestionnaireSerializer(
                self.get_queryset().get(pk=questionnaire.pk), context={"request": self.request}
            ).data,
            status=status_code,
        )

    @extend_schema(request=VersionCreateSerializer, responses={201: QuestionnaireSerializer})
    def create(self, request):
        params = VersionCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        prefecture = Prefecture.objects.filter(pk=data["prefecture"]).first()
        based_on = self.get_queryset().filter(pk=data["based_on"]).first()
        if prefecture is None or based_on is None:
            raise ValidationError({"prefecture" if prefecture is None else "based_on": ["Introuvable."]})
        return self._written(
            lambda: questionnaire_services.version_create(
                by=request.user, prefecture=prefecture, based_on=based_on, title=data["title"]
            ),
            status.HTTP_201_CREATED,
        )

    @extend_schema(request=LocalQuestionAddSerializer, responses={201: QuestionnaireSerializer})
    @route(detail=True, methods=["post"])
    def questions(self, request, pk=None):
        questionnaire = self.get_object()
        params = LocalQuestionAddSerializer(data=request.data)
        params.is_valid(raise_exception=True)

        def add():
            questionnaire_services.question_add(by=request.user, questionnaire=questionnaire, **params.validated_data)
            return questionnaire

        return self._written(add, status.HTTP_201_CREATED)

    def _question(self, questionnaire, code):
        question = questionnaire.questions.filter(code=code).first()
        if question is None:
            raise NotFound(f"Cette version n'a pas de question « {code} ».")
        return question

    @extend_schema(
        request=QuestionMoveSerializer,
        responses=QuestionnaireSerializer,
        parameters=[QUESTION_CODE],
    )
    @route(detail=True, methods=["post"], url_path=QUESTION_PATH + "/move", url_name="question-move")
    def question_move(self, request, pk=None, code=None):
        """Moves a question one place up or down (``direction``); refused in French once the version is answered."""
        questionnaire = self.get_object()
        question = self._question(questionnaire, code)
        params = QuestionMoveSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        direction = QuestionMoveSerializer.DIRECTIONS[params.validated_data["direction"]]

        def move():
            questionnaire_services.question_move(by=request.user, question=question, direction=direction)
            return questionnaire

        return self._written(move)

    @extend_schema(
        request=None,
        responses=QuestionnaireSerializer,
        parameters=[QUESTION_CODE],
    )
    @route(
        detail=True,
        methods=["delete"],
        url_path=QUESTION_PATH,
        url_name="question-remove",
    )
    def question_remove(self, request, pk=None, code=None):
        """Removes a local question (never one of the seven dimension questions of a « users » questionnaire);
        refused in French once the version is answered."""
        questionnaire = self.get_object()
        question = self._question(questionnaire, code)

        def remove():
            questionnaire_services.question_remove(by=request.user, question=question)
            return questionnaire

        return self._written(remove)

    @extend_schema(request=None, responses=QuestionnaireSerializer)
    @route(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        questionnaire = self.get_object()
        return self._written(
            lambda: questionnaire_services.version_publish(by=request.user, questionnaire=questionnaire)
        )
